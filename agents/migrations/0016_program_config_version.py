"""A program's settings version, kept by the database (the per-process settings cache, issue 16).

Every UPDATE of a program row adds one, whatever the statement wrote (a form saving a program read
minutes ago cannot set it back). Tables of settings run a trigger function on every change of theirs, so
the version moves in the same transaction as the change: ``agents_program_config_changed`` for settings
hung on one program (a ``program_id`` column: SLA policies, business hours, survey policies), and
``agents_programs_config_changed`` for settings that touch every program (webhook subscriptions).
"""

from django.db import migrations, models

TRIGGERS_SQL = """
CREATE FUNCTION agents_program_config_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.config_version := OLD.config_version + 1;
  RETURN NEW;
END $$;

CREATE TRIGGER agents_program_config_version BEFORE UPDATE ON agents_program
  FOR EACH ROW EXECUTE FUNCTION agents_program_config_version();

CREATE FUNCTION agents_program_config_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    UPDATE agents_program SET config_version = config_version + 1 WHERE id = OLD.program_id;
  END IF;
  IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.program_id IS DISTINCT FROM OLD.program_id) THEN
    UPDATE agents_program SET config_version = config_version + 1 WHERE id = NEW.program_id;
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION agents_programs_config_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE agents_program SET config_version = config_version + 1;
  RETURN NULL;
END $$;
"""

DROP_SQL = """
DROP TRIGGER agents_program_config_version ON agents_program;
DROP FUNCTION agents_program_config_version();
DROP FUNCTION agents_program_config_changed();
DROP FUNCTION agents_programs_config_changed();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("agents", "0015_audit_keyset_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="program",
            name="config_version",
            field=models.PositiveBigIntegerField(default=0, editable=False),
        ),
        migrations.RunSQL(TRIGGERS_SQL, DROP_SQL),
    ]

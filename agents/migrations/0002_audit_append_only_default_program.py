from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION agents_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    -- Retention is the only deleter, and it says so for its own transaction only.
    IF TG_OP = 'DELETE' AND current_setting('switchboard.retention', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER agents_auditevent_append_only
    BEFORE UPDATE OR DELETE ON agents_auditevent
    FOR EACH ROW EXECUTE FUNCTION agents_auditevent_append_only();
"""

DROP_APPEND_ONLY = """
DROP TRIGGER IF EXISTS agents_auditevent_append_only ON agents_auditevent;
DROP FUNCTION IF EXISTS agents_auditevent_append_only();
"""


def create_default_program(apps, schema_editor):
    # A single-company deployment has exactly this program and never notices programs exist.
    Program = apps.get_model("agents", "Program")
    Program.objects.get_or_create(slug="default", defaults={"name": "Default program"})


class Migration(migrations.Migration):
    dependencies = [("agents", "0001_initial")]

    operations = [
        TrigramExtension(),
        migrations.RunSQL(APPEND_ONLY, DROP_APPEND_ONLY),
        migrations.RunPython(create_default_program, migrations.RunPython.noop),
    ]

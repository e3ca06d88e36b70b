"""Who serves a program, and programs that never change, as SQL the other apps' triggers share.

``agents_user_serves`` is the one definition of "this user serves this program" (active, and an
admin or superuser, or on an active team of the program, or given the program directly);
``agents.permissions.served_programs`` reads it, so Python and the database agree.
``agents_program_fixed`` refuses moving a record to another program (DESIGN.md invariant 10).
"""

from django.db import migrations

RULES_SQL = """
CREATE OR REPLACE FUNCTION agents_user_serves(p_user bigint, p_program bigint)
RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT EXISTS (
    SELECT 1 FROM agents_user u
     WHERE u.id = p_user AND u.is_active
       AND (
         u.role = 'admin' OR u.is_superuser
         OR EXISTS (
           SELECT 1 FROM agents_membership m
             JOIN agents_team t ON t.id = m.team_id AND t.is_active
             JOIN agents_team_programs tp ON tp.team_id = t.id
            WHERE m.user_id = u.id AND tp.program_id = p_program)
         OR EXISTS (SELECT 1 FROM agents_user_programs up WHERE up.user_id = u.id AND up.program_id = p_program)
       )
  )
$$;

CREATE OR REPLACE FUNCTION agents_team_serves(p_team bigint, p_program bigint)
RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM agents_team_programs tp WHERE tp.team_id = p_team AND tp.program_id = p_program)
$$;

CREATE OR REPLACE FUNCTION agents_program_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.program_id IS DISTINCT FROM OLD.program_id THEN
    RAISE EXCEPTION '% %: a record never moves to another program', TG_TABLE_NAME, OLD.id
      USING ERRCODE = 'check_violation', COLUMN = 'program_id';
  END IF;
  RETURN NEW;
END
$$;
"""

DROP_SQL = """
DROP FUNCTION IF EXISTS agents_program_fixed();
DROP FUNCTION IF EXISTS agents_team_serves(bigint, bigint);
DROP FUNCTION IF EXISTS agents_user_serves(bigint, bigint);
"""


class Migration(migrations.Migration):
    dependencies = [("agents", "0006_moved_to_approvals_and_integrations")]

    operations = [migrations.RunSQL(RULES_SQL, DROP_SQL)]

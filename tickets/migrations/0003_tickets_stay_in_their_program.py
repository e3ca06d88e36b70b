"""A ticket's customer, category, team and assignee, and a follow-up's ticket, customer and owner,
belong to the record's program, whatever writes it (DESIGN.md invariant 10)."""

from django.db import migrations

RULES_SQL = """
CREATE OR REPLACE FUNCTION tickets_ticket_one_program() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.customer_id IS NOT NULL AND NOT EXISTS (
      SELECT 1 FROM crm_customer c WHERE c.id = NEW.customer_id AND c.program_id = NEW.program_id) THEN
    RAISE EXCEPTION 'ticket: customer % is not in program %', NEW.customer_id, NEW.program_id
      USING ERRCODE = 'check_violation', COLUMN = 'customer';
  END IF;
  IF NEW.category_id IS NOT NULL AND NOT EXISTS (
      SELECT 1 FROM tickets_category k WHERE k.id = NEW.category_id AND k.program_id = NEW.program_id) THEN
    RAISE EXCEPTION 'ticket: category % is not in program %', NEW.category_id, NEW.program_id
      USING ERRCODE = 'check_violation', COLUMN = 'category';
  END IF;
  IF NEW.team_id IS NOT NULL AND NOT agents_team_serves(NEW.team_id, NEW.program_id) THEN
    RAISE EXCEPTION 'ticket: team % does not serve program %', NEW.team_id, NEW.program_id
      USING ERRCODE = 'check_violation', COLUMN = 'team';
  END IF;
  IF NEW.assignee_id IS NOT NULL AND NOT agents_user_serves(NEW.assignee_id, NEW.program_id) THEN
    RAISE EXCEPTION 'ticket: assignee % does not serve program %', NEW.assignee_id, NEW.program_id
      USING ERRCODE = 'check_violation', COLUMN = 'assignee';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER tickets_ticket_one_program
  BEFORE INSERT OR UPDATE OF program_id, customer_id, category_id, team_id, assignee_id
  ON tickets_ticket FOR EACH ROW EXECUTE FUNCTION tickets_ticket_one_program();
CREATE TRIGGER tickets_ticket_program_fixed BEFORE UPDATE OF program_id ON tickets_ticket
  FOR EACH ROW EXECUTE FUNCTION agents_program_fixed();

CREATE OR REPLACE FUNCTION tickets_followup_one_program() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.ticket_id IS NOT NULL AND NOT EXISTS (
      SELECT 1 FROM tickets_ticket t WHERE t.id = NEW.ticket_id AND t.program_id = NEW.program_id) THEN
    RAISE EXCEPTION 'follow-up: ticket % is not in program %', NEW.ticket_id, NEW.program_id
      USING ERRCODE = 'check_violation', COLUMN = 'ticket';
  END IF;
  IF NEW.customer_id IS NOT NULL AND NOT EXISTS (
      SELECT 1 FROM crm_customer c WHERE c.id = NEW.customer_id AND c.program_id = NEW.program_id) THEN
    RAISE EXCEPTION 'follow-up: customer % is not in program %', NEW.customer_id, NEW.program_id
      USING ERRCODE = 'check_violation', COLUMN = 'customer';
  END IF;
  IF NOT agents_user_serves(NEW.owner_id, NEW.program_id) THEN
    RAISE EXCEPTION 'follow-up: owner % does not serve program %', NEW.owner_id, NEW.program_id
      USING ERRCODE = 'check_violation', COLUMN = 'owner';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER tickets_followup_one_program
  BEFORE INSERT OR UPDATE OF program_id, ticket_id, customer_id, owner_id
  ON tickets_followup FOR EACH ROW EXECUTE FUNCTION tickets_followup_one_program();
"""

DROP_SQL = """
DROP TRIGGER IF EXISTS tickets_followup_one_program ON tickets_followup;
DROP FUNCTION IF EXISTS tickets_followup_one_program();
DROP TRIGGER IF EXISTS tickets_ticket_program_fixed ON tickets_ticket;
DROP TRIGGER IF EXISTS tickets_ticket_one_program ON tickets_ticket;
DROP FUNCTION IF EXISTS tickets_ticket_one_program();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0002_tickets_workflow_sla_follow_ups"),
        ("agents", "0007_program_rules"),
    ]

    operations = [migrations.RunSQL(RULES_SQL, DROP_SQL)]

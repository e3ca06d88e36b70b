"""A call's customer, ticket and agent belong to the call's program, whatever writes it (invariant 10)."""

from django.db import migrations

RULES_SQL = """
CREATE OR REPLACE FUNCTION crm_call_one_program() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.customer_id IS NOT NULL AND NOT EXISTS (
      SELECT 1 FROM crm_customer c WHERE c.id = NEW.customer_id AND c.program_id = NEW.program_id) THEN
    RAISE EXCEPTION 'call: customer % is not in program %', NEW.customer_id, NEW.program_id
      USING ERRCODE = 'check_violation', COLUMN = 'customer';
  END IF;
  IF NEW.ticket_id IS NOT NULL AND NOT EXISTS (
      SELECT 1 FROM tickets_ticket t WHERE t.id = NEW.ticket_id AND t.program_id = NEW.program_id) THEN
    RAISE EXCEPTION 'call: ticket % is not in program %', NEW.ticket_id, NEW.program_id
      USING ERRCODE = 'check_violation', COLUMN = 'ticket';
  END IF;
  IF NEW.agent_id IS NOT NULL AND NOT agents_user_serves(NEW.agent_id, NEW.program_id) THEN
    RAISE EXCEPTION 'call: agent % does not serve program %', NEW.agent_id, NEW.program_id
      USING ERRCODE = 'check_violation', COLUMN = 'agent';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER crm_call_one_program BEFORE INSERT OR UPDATE OF program_id, customer_id, ticket_id, agent_id
  ON crm_call FOR EACH ROW EXECUTE FUNCTION crm_call_one_program();
CREATE TRIGGER crm_customer_program_fixed BEFORE UPDATE OF program_id ON crm_customer
  FOR EACH ROW EXECUTE FUNCTION agents_program_fixed();
"""

DROP_SQL = """
DROP TRIGGER IF EXISTS crm_customer_program_fixed ON crm_customer;
DROP TRIGGER IF EXISTS crm_call_one_program ON crm_call;
DROP FUNCTION IF EXISTS crm_call_one_program();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0005_retention_defaults"),
        ("agents", "0007_program_rules"),
        ("tickets", "0002_tickets_workflow_sla_follow_ups"),
    ]

    operations = [migrations.RunSQL(RULES_SQL, DROP_SQL)]

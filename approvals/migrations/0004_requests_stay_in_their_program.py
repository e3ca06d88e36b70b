"""An approval request's customer, ticket, team and requester belong to its program, whatever writes it
(DESIGN.md invariant 10); and the decider rule reads "serves the program" from agents_user_serves."""

from django.db import migrations

RULES_SQL = """
CREATE OR REPLACE FUNCTION approvals_request_one_program() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.customer_id IS NOT NULL AND NOT EXISTS (
      SELECT 1 FROM crm_customer c WHERE c.id = NEW.customer_id AND c.program_id = NEW.program_id) THEN
    RAISE EXCEPTION 'approval: customer % is not in program %', NEW.customer_id, NEW.program_id
      USING ERRCODE = 'check_violation', COLUMN = 'customer';
  END IF;
  IF NEW.ticket_id IS NOT NULL AND NOT EXISTS (
      SELECT 1 FROM tickets_ticket t WHERE t.id = NEW.ticket_id AND t.program_id = NEW.program_id) THEN
    RAISE EXCEPTION 'approval: ticket % is not in program %', NEW.ticket_id, NEW.program_id
      USING ERRCODE = 'check_violation', COLUMN = 'ticket';
  END IF;
  IF NEW.team_id IS NOT NULL AND NOT agents_team_serves(NEW.team_id, NEW.program_id) THEN
    RAISE EXCEPTION 'approval: team % does not serve program %', NEW.team_id, NEW.program_id
      USING ERRCODE = 'check_violation', COLUMN = 'team';
  END IF;
  IF TG_OP = 'INSERT' AND NOT agents_user_serves(NEW.requested_by_id, NEW.program_id) THEN
    RAISE EXCEPTION 'approval: requester % does not serve program %', NEW.requested_by_id, NEW.program_id
      USING ERRCODE = 'check_violation', COLUMN = 'requested_by';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER approvals_request_one_program
  BEFORE INSERT OR UPDATE OF program_id, customer_id, ticket_id, team_id, requested_by_id
  ON approvals_approvalrequest FOR EACH ROW EXECUTE FUNCTION approvals_request_one_program();
CREATE TRIGGER approvals_request_program_fixed BEFORE UPDATE OF program_id ON approvals_approvalrequest
  FOR EACH ROW EXECUTE FUNCTION agents_program_fixed();

CREATE OR REPLACE FUNCTION approvals_may_decide(
  p_decider bigint, p_requester bigint, p_program bigint, p_team bigint,
  p_level text, p_kind text, p_currency text, p_amount numeric
) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT EXISTS (
    SELECT 1 FROM agents_user u
     WHERE u.id = p_decider
       AND u.id IS DISTINCT FROM p_requester
       AND u.role IN ('supervisor', 'manager', 'admin')
       AND agents_user_serves(u.id, p_program)
       AND (
         u.role IN ('manager', 'admin') OR u.is_superuser
         OR (p_level = 'supervisor' AND EXISTS (
               SELECT 1 FROM agents_membership m
                WHERE m.team_id = p_team AND m.user_id = u.id AND m.is_supervisor))
       )
       AND (
         p_kind = 'exception' OR p_amount IS NULL OR u.role = 'admin'
         OR p_amount <= approvals_limit(u.id, p_kind, p_currency)
       )
  )
$$;
"""

DROP_SQL = """
DROP TRIGGER IF EXISTS approvals_request_program_fixed ON approvals_approvalrequest;
DROP TRIGGER IF EXISTS approvals_request_one_program ON approvals_approvalrequest;
DROP FUNCTION IF EXISTS approvals_request_one_program();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0003_rename_constraints"),
        ("agents", "0007_program_rules"),
        ("crm", "0006_calls_stay_in_their_program"),
        ("tickets", "0003_tickets_stay_in_their_program"),
    ]

    operations = [migrations.RunSQL(RULES_SQL, DROP_SQL)]

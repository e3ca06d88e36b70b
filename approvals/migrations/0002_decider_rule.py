"""Who may decide an approval, as one SQL function that the service and the trigger share.

``approvals_may_decide`` is the rule (see ``approvals.permissions``); the queue, the checks and
the notifications call it through the ORM, and the trigger below calls it on every write that
decides a request, so a raw UPDATE cannot do what the service would refuse. It replaces the
trigger of agents 0004, which checked the limit only and ignored teams and programs.
"""

import importlib

from django.db import migrations

# Going back restores the limit-only trigger of agents 0004 (its table is renamed back by 0001's reverse).
_previous = importlib.import_module("agents.migrations.0004_approvals")
RESTORE_PREVIOUS_SQL = _previous.DECIDER_LIMIT_SQL.replace("ON agents_approvalrequest", "ON approvals_approvalrequest")

RULE_SQL = """
DROP TRIGGER IF EXISTS agents_approval_decider_limit ON approvals_approvalrequest;
DROP FUNCTION IF EXISTS agents_approval_decider_limit();

-- The most a user may grant alone: its own limit when set, else its role's.
CREATE OR REPLACE FUNCTION approvals_limit(p_user bigint, p_kind text, p_currency text)
RETURNS numeric LANGUAGE sql STABLE AS $$
  SELECT COALESCE(
    (SELECT l.max_amount FROM approvals_authoritylimit l
      WHERE l.user_id = p_user AND l.kind = p_kind AND l.currency = p_currency),
    (SELECT l.max_amount FROM approvals_authoritylimit l JOIN agents_user u ON u.id = p_user
      WHERE l.user_id IS NULL AND l.role = u.role AND l.kind = p_kind AND l.currency = p_currency))
$$;

-- A NULL amount on a money kind means "whatever the amount" (asked when only the limit may stand in the way).
CREATE OR REPLACE FUNCTION approvals_may_decide(
  p_decider bigint, p_requester bigint, p_program bigint, p_team bigint,
  p_level text, p_kind text, p_currency text, p_amount numeric
) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT EXISTS (
    SELECT 1 FROM agents_user u
     WHERE u.id = p_decider
       AND u.is_active
       AND u.id IS DISTINCT FROM p_requester
       AND u.role IN ('supervisor', 'manager', 'admin')
       AND (
         u.role = 'admin' OR u.is_superuser
         OR p_program IN (
           SELECT tp.program_id FROM agents_team_programs tp
             JOIN agents_team t ON t.id = tp.team_id AND t.is_active
             JOIN agents_membership m ON m.team_id = t.id AND m.user_id = u.id
           UNION
           SELECT up.program_id FROM agents_user_programs up WHERE up.user_id = u.id)
       )
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

CREATE OR REPLACE FUNCTION approvals_decision_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status IN ('approved', 'rejected')
     AND (TG_OP = 'INSERT' OR NEW.status IS DISTINCT FROM OLD.status)
     AND NOT approvals_may_decide(NEW.decided_by_id, NEW.requested_by_id, NEW.program_id, NEW.team_id,
                                  NEW.level, NEW.kind, NEW.currency, NEW.amount) THEN
    RAISE EXCEPTION 'approval % exceeds the authority of user %', NEW.id, NEW.decided_by_id
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER approvals_decision_guard BEFORE INSERT OR UPDATE ON approvals_approvalrequest
  FOR EACH ROW EXECUTE FUNCTION approvals_decision_guard();
"""

DROP_RULE_SQL = """
DROP TRIGGER IF EXISTS approvals_decision_guard ON approvals_approvalrequest;
DROP FUNCTION IF EXISTS approvals_decision_guard();
DROP FUNCTION IF EXISTS approvals_may_decide(bigint, bigint, bigint, bigint, text, text, text, numeric);
DROP FUNCTION IF EXISTS approvals_limit(bigint, text, text);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0001_initial"),
        ("agents", "0006_moved_to_approvals_and_integrations"),
    ]

    operations = [migrations.RunSQL(RULE_SQL, DROP_RULE_SQL + RESTORE_PREVIOUS_SQL)]

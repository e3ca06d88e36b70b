"""Reviews stay in their program, and who may decide a disputed review, as SQL (invariants 10 and the
four-eyes rule of quality reviews).

``quality_may_decide_dispute`` is the rule (see ``quality.permissions``): the dispute queue and the service
call it, and the trigger below calls it on every write that decides a dispute, so a raw UPDATE cannot do
what the service would refuse. The check constraints of 0002 already keep the reviewer and the agent out.
"""

from django.db import migrations

RULES_SQL = """
CREATE OR REPLACE FUNCTION quality_may_decide_dispute(
  p_decider bigint, p_reviewer bigint, p_agent bigint, p_program bigint
) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT EXISTS (
    SELECT 1 FROM agents_user u
     WHERE u.id = p_decider
       AND u.is_active
       AND u.id IS DISTINCT FROM p_reviewer
       AND u.id IS DISTINCT FROM p_agent
       AND u.role IN ('supervisor', 'manager', 'admin')
       AND agents_user_serves(u.id, p_program)
       AND (
         u.role IN ('manager', 'admin') OR u.is_superuser
         OR EXISTS (
           SELECT 1 FROM agents_membership boss
             JOIN agents_membership member ON member.team_id = boss.team_id AND member.user_id = p_agent
             JOIN agents_team t ON t.id = boss.team_id AND t.is_active
             JOIN agents_team_programs tp ON tp.team_id = t.id AND tp.program_id = p_program
            WHERE boss.user_id = u.id AND boss.is_supervisor)
       )
  )
$$;

CREATE OR REPLACE FUNCTION quality_review_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM crm_call c WHERE c.id = NEW.call_id AND c.program_id = NEW.program_id
                                              AND c.agent_id = NEW.agent_id) THEN
    RAISE EXCEPTION 'review: call % is not a call of agent % in program %', NEW.call_id, NEW.agent_id,
      NEW.program_id USING ERRCODE = 'check_violation', COLUMN = 'call';
  END IF;
  IF NEW.version_id IS NOT NULL AND NOT EXISTS (
      SELECT 1 FROM quality_scorecardversion v JOIN quality_scorecard s ON s.id = v.scorecard_id
       WHERE v.id = NEW.version_id AND s.program_id = NEW.program_id) THEN
    RAISE EXCEPTION 'review: scorecard version % is not of program %', NEW.version_id, NEW.program_id
      USING ERRCODE = 'check_violation', COLUMN = 'version';
  END IF;
  IF NEW.reviewer_id IS NOT NULL AND (TG_OP = 'INSERT' OR NEW.reviewer_id IS DISTINCT FROM OLD.reviewer_id)
     AND NOT agents_user_serves(NEW.reviewer_id, NEW.program_id) THEN
    RAISE EXCEPTION 'review: reviewer % does not serve program %', NEW.reviewer_id, NEW.program_id
      USING ERRCODE = 'check_violation', COLUMN = 'reviewer';
  END IF;
  IF NEW.decided_by_id IS NOT NULL AND (TG_OP = 'INSERT' OR NEW.decided_by_id IS DISTINCT FROM OLD.decided_by_id)
     AND NOT quality_may_decide_dispute(NEW.decided_by_id, NEW.reviewer_id, NEW.agent_id, NEW.program_id) THEN
    RAISE EXCEPTION 'review %: user % may not decide its dispute', NEW.id, NEW.decided_by_id
      USING ERRCODE = 'check_violation', COLUMN = 'decided_by';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER quality_review_guard BEFORE INSERT OR UPDATE OF program_id, call_id, agent_id, version_id,
  reviewer_id, decided_by_id ON quality_review FOR EACH ROW EXECUTE FUNCTION quality_review_guard();
CREATE TRIGGER quality_review_program_fixed BEFORE UPDATE OF program_id ON quality_review
  FOR EACH ROW EXECUTE FUNCTION agents_program_fixed();

-- A version a review was scored on never changes: its criteria are frozen once a review uses it.
CREATE OR REPLACE FUNCTION quality_criterion_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE v bigint := COALESCE(NEW.version_id, OLD.version_id);
BEGIN
  IF EXISTS (SELECT 1 FROM quality_review r WHERE r.version_id = v)
     OR EXISTS (SELECT 1 FROM quality_calibrationsession c WHERE c.version_id = v) THEN
    RAISE EXCEPTION 'scorecard version % is in use: edit makes a new version', v
      USING ERRCODE = 'check_violation', COLUMN = 'version';
  END IF;
  RETURN COALESCE(NEW, OLD);
END
$$;
CREATE TRIGGER quality_criterion_frozen BEFORE INSERT OR UPDATE OR DELETE ON quality_criterion
  FOR EACH ROW EXECUTE FUNCTION quality_criterion_frozen();
"""

DROP_SQL = """
DROP TRIGGER IF EXISTS quality_criterion_frozen ON quality_criterion;
DROP FUNCTION IF EXISTS quality_criterion_frozen();
DROP TRIGGER IF EXISTS quality_review_program_fixed ON quality_review;
DROP TRIGGER IF EXISTS quality_review_guard ON quality_review;
DROP FUNCTION IF EXISTS quality_review_guard();
DROP FUNCTION IF EXISTS quality_may_decide_dispute(bigint, bigint, bigint, bigint);
"""


class Migration(migrations.Migration):
    dependencies = [("quality", "0002_reviews"), ("agents", "0007_program_rules")]

    operations = [migrations.RunSQL(RULES_SQL, DROP_SQL)]

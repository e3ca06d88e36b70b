"""Who may do what with surveys and quality reviews (pure predicates; services, views and the API ask them).

Who may decide a disputed review is one rule with one home: the SQL function ``quality_may_decide_dispute``
(migration ``quality.0003``), which the permission below and the database trigger guarding every decision
both call, so a raw ``UPDATE`` cannot do what the service would refuse.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import BooleanField, F, Func, QuerySet, Value

from agents.models import Role, User
from agents.permissions import (
    DECIDERS,
    Actor,
    can_edit_knowledge,
    can_review_calls,
    can_serve_program,
    id_of,
    is_admin,
    role_of,
)
from crm.models import Call
from quality.models import CalibrationSession, Review, ReviewStatus


def can_record_survey_response(actor: Actor | None) -> bool:
    """IVR and SMS systems post answers; agents never do (they would be rating themselves)."""
    return is_admin(actor) or role_of(actor) == Role.INTEGRATOR


def can_see_survey_links(actor: Actor | None) -> bool:
    """A link answers the survey without login: only the systems that deliver it (and admins) read it."""
    return can_record_survey_response(actor)


def can_edit_scorecards(actor: Actor | None, program_id: int | None) -> bool:
    """Knowledge managers and admins keep the program's scorecards (like its articles and scripts)."""
    return can_edit_knowledge(actor) and can_serve_program(actor, program_id)


def can_score_call(actor: Actor | None, call: Call) -> bool:
    """A QA reviewer of the call's program, never on a call of its own."""
    return can_review_calls(actor) and can_serve_program(actor, call.program_id) and call.agent_id != id_of(actor)


def can_edit_review(actor: Actor | None, review: Review) -> bool:
    """Only its reviewer changes a draft's answers."""
    return review.status == ReviewStatus.DRAFT and review.reviewer_id is not None and review.reviewer_id == id_of(actor)


def can_answer_review(actor: Actor | None, review: Review) -> bool:
    """The agent whose call was scored acknowledges or disputes it (calibration scores never reach it)."""
    return review.agent_id == id_of(actor) and review.calibration_id is None


def can_run_calibration(actor: Actor | None, program_id: int | None) -> bool:
    return can_review_calls(actor) and can_serve_program(actor, program_id)


def can_see_calibration(actor: Actor | None, session: CalibrationSession) -> bool:
    """Reviewers of the program compare themselves; managers and admins of it watch."""
    return can_serve_program(actor, session.program_id) and role_of(actor) in {
        Role.QA_REVIEWER,
        Role.MANAGER,
        Role.ADMIN,
    }


class MayDecideDispute(Func):
    """``quality_may_decide_dispute(decider, reviewer, agent, program)``."""

    function = "quality_may_decide_dispute"
    output_field = BooleanField()
    arity = 4


def disputes_decidable_by(actor: Actor) -> MayDecideDispute:
    """A filter on Review rows: those whose dispute ``actor`` may decide."""
    return MayDecideDispute(Value(id_of(actor)), F("reviewer_id"), F("agent_id"), F("program_id"))


def dispute_deciders(review: Review) -> QuerySet[User]:
    """The users who may decide ``review``'s dispute."""
    return User.objects.filter(is_active=True, role__in=DECIDERS).filter(
        MayDecideDispute(F("pk"), Value(review.reviewer_id), Value(review.agent_id), Value(review.program_id))
    )


def can_decide_dispute(actor: Actor | None, review: Review) -> bool:
    """A supervisor of the agent's team, or a manager or admin of the program; never the reviewer or the agent."""
    decider = id_of(actor)
    if decider is None or review.status != ReviewStatus.DISPUTED:
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT quality_may_decide_dispute(%s, %s, %s, %s)",
            [decider, review.reviewer_id, review.agent_id, review.program_id],
        )
        return bool(cursor.fetchone()[0])

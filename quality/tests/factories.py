"""Surveys, answers, scorecards and reviews as the product leaves them, for the tests of this app and others
(metrics, API matrix)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from agents.models import Program, Role, User
from agents.selectors import agent_home_team
from agents.tests.factories import make_user
from crm.models import Call
from quality.models import Criterion, Review, Scorecard, ScorecardVersion, Survey, SurveyResponse


def survey_answer(call: Call, score: int) -> Any:
    """The customer's answer to a survey about ``call`` (counted at the call's start, for its agent)."""
    team_id = agent_home_team(agent_id=call.agent_id, program_id=call.program_id) if call.agent_id else None
    survey = Survey.objects.create(
        program_id=call.program_id, customer=call.customer, call=call, agent_id=call.agent_id, team_id=team_id,
        attributed_at=call.started_at, channel="email", language="en", status="answered", send_after=call.started_at,
        nonce="test",
    )  # fmt: skip
    return SurveyResponse.objects.create(
        survey=survey, program_id=call.program_id, agent_id=call.agent_id, team_id=team_id,
        attributed_at=call.started_at, score=score, channel="web",
    )  # fmt: skip


# --- Quality reviews -------------------------------------------------------------------------------------

# A small scorecard with every kind of criterion (hand-computed scores in the tests use these weights).
CRITERIA: list[dict[str, Any]] = [
    {"section": "Greeting", "label": "Greeting", "weight": 1},
    {"section": "Verification", "label": "Identity verified", "weight": 3, "critical": True},
    {"section": "Compliance", "label": "No card data in the notes", "weight": 2, "critical": True,
     "auto_rule": "no_card_data"},
    {"section": "Resolution", "label": "Resolution", "answer_type": "scale", "scale_max": 4, "weight": 4},
    {"section": "Resolution", "label": "Wrap-up code recorded", "weight": 1, "auto_rule": "wrap_up_code"},
    {"section": "Tone", "label": "Short holds", "weight": 1, "auto_rule": "hold_under", "auto_threshold_seconds": 60},
    {"section": "Resolution", "label": "Script followed", "weight": 1, "auto_rule": "script_completed"},
]  # fmt: skip


def qa_reviewer(program: Program, **kwargs: Any) -> User:
    user = make_user(Role.QA_REVIEWER, **kwargs)
    user.programs.add(program)
    return user


def qa_scorecard(program: Program, *, criteria: list[dict[str, Any]] | None = None) -> ScorecardVersion:
    """An active scorecard of ``program`` and its first version (made as a knowledge manager would)."""
    scorecard = Scorecard.objects.create(program=program, name=f"Quality {program.slug}", is_active=True)
    version = ScorecardVersion.objects.create(scorecard=scorecard, number=1)
    Criterion.objects.bulk_create(
        Criterion(version=version, position=i, **{"answer_type": "yes_no", "scale_max": 1, **row})
        for i, row in enumerate(criteria or CRITERIA)
    )
    return version


def qa_review(
    call: Call,
    *,
    score: str | Decimal,
    status: str = "acknowledged",
    failed: bool = False,
    reviewer: User | None = None,
    calibration: Any = None,
) -> Review:
    """A review as the workflow leaves it in ``status``, with its score (for the metrics and API tests)."""
    program = Program.objects.get(pk=call.program_id)
    version = ScorecardVersion.objects.filter(scorecard__program=program).order_by("-number").first()
    version = version or qa_scorecard(program)
    now = timezone.now()
    return Review.objects.create(
        program=program, call=call, agent_id=call.agent_id, attributed_at=call.started_at, version=version,
        reviewer=reviewer or qa_reviewer(program), status=status, score=Decimal(score), failed_critical=failed,
        submitted_at=now, calibration=calibration,
        dispute_reason="I disagree." if status in {"disputed", "final"} else "",
        disputed_at=now if status in {"disputed", "final"} else None,
    )  # fmt: skip

"""Surveys and answers as the product leaves them, for the tests of other apps (metrics, API matrix)."""

from __future__ import annotations

from typing import Any

from agents.selectors import agent_home_team
from crm.models import Call
from quality.models import Survey, SurveyResponse


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

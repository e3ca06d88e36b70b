"""Retention of survey answers' comments, plugged into crm's retention job (``retention_planners`` hook).

The comment is the customer's own words and goes after the policy's days; the score stays, because CSAT is
a fact about the agent's work that the metrics restate from."""

from __future__ import annotations

from datetime import datetime

from config.privacy import ERASED
from crm.models import RetentionPolicy
from crm.services.retention import Plan, not_on_hold
from quality.models import SurveyResponse


def survey_comments_plan(policy: RetentionPolicy, cutoff: datetime) -> Plan | None:
    if policy.target != RetentionPolicy.Target.SURVEY_COMMENTS:
        return None
    answers = SurveyResponse.objects.filter(created_at__lt=cutoff).exclude(comment__in=["", ERASED])
    answers = answers.filter(not_on_hold("survey__customer__"))
    return Plan(policy, answers, lambda ids: SurveyResponse.objects.filter(pk__in=ids).update(comment=ERASED))

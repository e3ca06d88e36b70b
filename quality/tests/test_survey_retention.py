"""Surveys under the data-protection rules: comments expire by policy, scores stay for the metrics (erasure:
crm/tests/test_privacy.py's canary)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from crm.models import Customer, RetentionPolicy
from crm.services.retention import retention_run
from crm.tests.factories import CallFactory
from quality.models import SurveyResponse
from quality.tests.factories import survey_answer

pytestmark = pytest.mark.django_db


def test_retention_erases_old_comments_keeps_scores_and_skips_legal_hold(world):
    RetentionPolicy.objects.update(is_active=False)
    RetentionPolicy.objects.update_or_create(target="survey_comments", defaults={"keep_days": 90, "is_active": True})
    old, held, recent = (
        survey_answer(CallFactory(customer__program=world.program_a, agent=world.agent), score) for score in (1, 2, 3)
    )
    Customer.objects.filter(pk=held.survey.customer_id).update(legal_hold=True)
    SurveyResponse.objects.filter(pk__in=[old.pk, held.pk]).update(created_at=timezone.now() - timedelta(days=91))
    SurveyResponse.objects.update(comment="The agent was rude")
    assert retention_run()["survey_comments"] == 1
    kept = {r.pk: (r.score, r.comment) for r in SurveyResponse.objects.all()}
    assert kept == {old.pk: (1, "[erased]"), held.pk: (2, "The agent was rude"), recent.pk: (3, "The agent was rude")}

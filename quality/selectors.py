"""Reads of surveys and their answers, scoped to the programs the actor serves."""

from __future__ import annotations

from django.db.models import QuerySet

from agents.permissions import Actor, served_program_ids
from crm.models import Customer
from quality.models import Survey, SurveyOptOut, SurveyResponse


def survey_list(*, actor: Actor) -> QuerySet[Survey]:
    return Survey.objects.filter(program_id__in=served_program_ids(actor)).select_related("agent", "response")


def survey_response_list(*, actor: Actor) -> QuerySet[SurveyResponse]:
    return SurveyResponse.objects.filter(program_id__in=served_program_ids(actor)).select_related("agent", "survey")


def customer_survey_responses(*, actor: Actor, customer: Customer, limit: int = 5) -> list[SurveyResponse]:
    """A customer's latest answers, newest first (the customer page)."""
    responses = survey_response_list(actor=actor).filter(survey__customer=customer).order_by("-created_at", "-id")
    return list(responses[:limit])


def survey_opted_out(*, customer: Customer) -> bool:
    """Whether the customer asked not to be surveyed again."""
    return SurveyOptOut.objects.filter(customer=customer).exists()

"""Survey answers on the customer page and in the customer's history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse

from agents.permissions import Actor
from config.pages import Panel, TimelineEntry
from quality.selectors import customer_survey_responses, survey_opted_out, survey_response_list


def customer_surveys_panel(*, customer: Any, actor: Actor) -> Panel:
    responses = customer_survey_responses(actor=actor, customer=customer)
    opted_out = survey_opted_out(customer=customer)
    return Panel(
        "surveys",
        "Satisfaction surveys",
        "quality/_customer_panel.html",
        {"responses": responses, "opted_out": opted_out},
        order=60,
    )


def surveys_timeline(*, customer: Any, actor: Actor, before: datetime | None, limit: int) -> list[TimelineEntry]:
    answers = survey_response_list(actor=actor).filter(survey__customer=customer)
    if before:
        answers = answers.filter(created_at__lt=before)
    entries = []
    for answer in answers.order_by("-created_at", "-id")[:limit]:
        survey = answer.survey
        if survey.call_id:
            about, url = "call", reverse("crm:call_detail", args=[survey.call_id])
        else:
            about, url = "ticket", reverse("tickets:ticket_detail", args=[survey.ticket_id])
        entries.append(
            TimelineEntry(
                kind="survey",
                at=answer.created_at,
                object_id=answer.pk,
                title=f"Survey answered {answer.score}/5 about a {about} ({answer.get_channel_display()})",
                summary=answer.comment,
                url=url,
            )
        )
    return entries

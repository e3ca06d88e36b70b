"""Survey answers on the customer page."""

from __future__ import annotations

from typing import Any

from agents.permissions import Actor
from config.pages import Panel
from quality.selectors import customer_survey_responses, survey_opted_out


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

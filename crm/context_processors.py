"""The call bar on every page of an agent with a live call."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from agents.permissions import can_use_workspace
from crm.services.live_calls import live_call_for
from crm.views import call_bar_context


def call_bar(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    # htmx fragments carry their own context (the call bar's views pass it): no lookup per keystroke.
    if not can_use_workspace(user) or getattr(request, "htmx", False):
        return {}
    context = call_bar_context(request, live_call_for(user))  # type: ignore[arg-type]
    context["call_bar_template"] = "crm/_call_bar.html"
    return context

"""The agent's own state, chosen in the top bar (available, break with a reason, offline)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from agents import selectors, services
from agents.context_processors import state_menu_context
from agents.decorators import role_required
from agents.http import AuthenticatedRequest, redirect_to_next
from agents.permissions import can_use_workspace, can_watch_floor

_guard = role_required(can_use_workspace, "Only agents, supervisors, managers and admins take calls.")


@_guard
@require_GET
def agent_state_menu(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "agents/_state_menu.html", state_menu_context(request.user))


@_guard
@require_POST
def agent_state_change(request: AuthenticatedRequest) -> HttpResponse:
    value = request.POST.get("state", "")
    state, _, reason = value.partition(":")
    # A refusal (a call still waiting for its wrap-up code) becomes a message (DomainErrorMiddleware).
    services.agent_state_set(actor=request.user, agent=request.user, state=state, reason=reason or None)
    if request.htmx:
        return render(request, "agents/_state_menu.html", state_menu_context(request.user))
    return redirect_to_next(request)


@role_required(can_watch_floor, "The floor view is for supervisors, managers and admins.")
@require_GET
def floor(request: AuthenticatedRequest) -> HttpResponse:
    """Who is free, on a call, wrapping up or away, team by team (refreshed on push and every 30 s)."""
    return render(request, "agents/_floor.html", {"floor": selectors.team_agent_states(actor=request.user)})

"""Agent states: one open span per agent, closed and reopened on every change (kept for occupancy).

Changed by the agent (header menu), by telephony (``PUT /api/v1/agents/<username>/state/``), by the
call lifecycle (``crm.services.calls``), by logging out and by the idle sweep. Every change pushes
the new state to the agent's open tabs.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from agents import permissions
from agents.models import AgentState, AgentStateSpan, BreakReason, User
from agents.permissions import Actor
from agents.selectors import break_reasons_for, supervisors_of
from config.errors import DomainError, NotAllowed
from config.hooks import app_hooks
from config.push import push_to_users

logger = logging.getLogger(__name__)


class StateRefused(DomainError):
    status_code = 409
    code = "state_refused"


def _check(user: User, state: str, reason_code: str | None) -> BreakReason | None:
    if state not in AgentState.values:
        raise StateRefused(f"'{state}' is not an agent state ({', '.join(AgentState.values)}).", field="state")
    if state != AgentState.BREAK:
        if reason_code:
            raise StateRefused("Only a break takes a reason.", field="reason")
        return None
    reasons = {r.code: r for r in break_reasons_for(user)}
    if not reason_code:
        if reasons:
            raise StateRefused(f"Choose a break reason: {', '.join(sorted(reasons))}.", field="reason")
        return None
    if reason_code not in reasons:
        raise StateRefused(f"'{reason_code}' is not a break reason of this agent's programs.", field="reason")
    return reasons[reason_code]


def agent_state_set(
    *,
    actor: Actor | None,
    agent: User,
    state: str,
    reason: str | None = None,
    source: str = "agent",
    at: datetime | None = None,
) -> AgentStateSpan:
    """Moves the agent to ``state`` (no-op when already there); closes the open span, opens a new one,
    pushes ``agent_state`` to the agent's tabs. Going ``available`` is refused while a call still waits
    for its wrap-up (the ``availability_blockers`` hook: crm names the call).
    """
    if actor is not None and not permissions.can_set_agent_state(actor, agent):
        raise NotAllowed("You may not change this agent's state.")
    break_reason = _check(agent, state, reason)
    if state == AgentState.AVAILABLE:
        for blocker in app_hooks("availability_blockers"):
            message = blocker(agent)
            if message:
                raise StateRefused(message, field="state")
    now = at or timezone.now()
    with transaction.atomic():
        # The user row is the per-agent lock: the call lifecycle and the agent may change it at once.
        User.objects.select_for_update().filter(pk=agent.pk).first()
        current = AgentStateSpan.objects.filter(user=agent, ended_at__isnull=True).first()
        if current is not None and current.state == state and current.reason_id == (break_reason and break_reason.pk):
            return current
        if current is not None:
            current.ended_at = max(now, current.started_at)
            current.save(update_fields=["ended_at"])
        span = AgentStateSpan.objects.create(
            user=agent,
            state=state,
            reason=break_reason,
            started_at=max(now, current.started_at) if current else now,
            source=source,
        )
        push_to_users(supervisors_of(agent=agent), "floor")
        push_to_users(
            [agent.pk],
            "agent_state",
            state=state,
            label=span.get_state_display(),
            reason=break_reason.label if break_reason else "",
        )
    return span


def agent_states_sweep_idle(*, now: datetime | None = None) -> int:
    """Agents available or on a break whose tabs stopped pinging go ``offline`` (an idle session)."""
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=settings.AGENT_IDLE_MINUTES)
    idle = AgentStateSpan.objects.filter(
        ended_at__isnull=True,
        state__in=[AgentState.AVAILABLE, AgentState.BREAK],
        last_seen_at__lt=cutoff,
    ).select_related("user")
    count = 0
    for span in idle[:500]:
        agent_state_set(actor=None, agent=span.user, state=AgentState.OFFLINE, source="idle", at=now)
        count += 1
    if count:
        logger.info("agent states: %d idle agents set offline", count)
    return count


def agent_seen(*, user_id: int, at: datetime | None = None) -> None:
    """An open tab said it is still there (the push channel's ping)."""
    AgentStateSpan.objects.filter(user_id=user_id, ended_at__isnull=True).update(last_seen_at=at or timezone.now())

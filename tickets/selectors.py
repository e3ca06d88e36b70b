"""Reads of tickets and follow-ups, scoped to the programs the actor serves."""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet
from django.utils import timezone

from agents.models import Team
from agents.permissions import served_program_ids
from tickets.models import OPEN_STATUSES, FollowUp, Ticket, TicketEvent


def ticket_list(*, actor: Any) -> QuerySet[Ticket]:
    return Ticket.objects.filter(program_id__in=served_program_ids(actor)).select_related(
        "program", "customer", "category", "team", "assignee"
    )


def ticket_get(*, actor: Any, pk: int | str) -> Ticket | None:
    try:
        return ticket_list(actor=actor).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def ticket_queue(*, actor: Any, team: Team) -> QuerySet[Ticket]:
    """A team's open work: unassigned first, then by SLA due time (soonest first)."""
    return (
        ticket_list(actor=actor)
        .filter(team=team, status__in=OPEN_STATUSES)
        .order_by(F("assignee").asc(nulls_first=True), F("resolution_due").asc(nulls_last=True), "id")
    )


def ticket_mine(*, actor: Any) -> QuerySet[Ticket]:
    return (
        ticket_list(actor=actor)
        .filter(assignee=actor, status__in=OPEN_STATUSES)
        .order_by(F("resolution_due").asc(nulls_last=True), "id")
    )


def ticket_events(*, ticket: Ticket) -> QuerySet[TicketEvent]:
    return ticket.events.select_related("actor").order_by("-at", "-id")


def follow_up_list(*, actor: Any) -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(program_id__in=served_program_ids(actor)).select_related(
        "ticket", "customer", "owner"
    )


def follow_up_get(*, actor: Any, pk: int | str) -> FollowUp | None:
    try:
        return follow_up_list(actor=actor).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def follow_up_overdue(*, actor: Any, owner: Any = None, team: Team | None = None) -> QuerySet[FollowUp]:
    overdue = follow_up_list(actor=actor).filter(status=FollowUp.Status.SCHEDULED, due_at__lte=timezone.now())
    if owner is not None:
        overdue = overdue.filter(owner=owner)
    if team is not None:
        overdue = overdue.filter(owner__memberships__team=team)
    return overdue.order_by("due_at")

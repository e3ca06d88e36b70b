"""Reads of tickets and follow-ups, scoped to the programs the actor serves."""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet
from django.utils import timezone

from agents.models import Team
from agents.permissions import served_program_ids
from tickets.models import OPEN_STATUSES, Category, FollowUp, Ticket, TicketEvent
from tickets.numbers import ticket_number_parse


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


def ticket_open_for_customer(*, actor: Any, customer: Any) -> list[Ticket]:
    """A customer's open tickets, newest first (the ``customer_open_tickets`` hook: what a call may be linked to)."""
    return list(
        ticket_list(actor=actor).filter(customer=customer, status__in=OPEN_STATUSES).order_by("-created_at")[:20]
    )


def customers_by_ticket_number(*, query: str, customers: QuerySet[Any], limit: int) -> list[tuple[Any, float, str]]:
    """The ``customer_search_sources`` hook: the customer of the ticket whose number was typed."""
    number = ticket_number_parse(query)
    if number is None:
        return []
    return [(customers.filter(tickets__number=number).values_list("pk", flat=True)[:limit], 100, "ticket")]


def category_list(*, program: Any) -> QuerySet[Category]:
    return Category.objects.filter(program=program).order_by("name")


def category_get(*, actor: Any, pk: Any, program_id: int | None = None) -> Category | None:
    """A category of one of the actor's programs (of ``program_id`` when given); None when unknown."""
    try:
        categories = Category.objects.filter(pk=int(pk), program_id__in=served_program_ids(actor))
    except (TypeError, ValueError):
        return None
    if program_id is not None:
        categories = categories.filter(program_id=program_id)
    return categories.first()

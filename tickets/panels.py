"""What tickets contribute to the customer page, the call page and the workspace."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from agents.models import Role
from agents.permissions import Actor, is_active_user
from agents.selectors import user_teams
from config.pages import Panel, TimelineEntry
from tickets.models import OPEN_STATUSES, Category, FollowUp
from tickets.selectors import follow_up_list, follow_up_overdue, follow_ups_of_teams, ticket_list, ticket_mine

LIMIT = 10


def open_tickets_panel(*, customer: Any, actor: Actor) -> Panel:
    tickets = list(_history_line(ticket_list(actor=actor).filter(customer=customer, status__in=OPEN_STATUSES))[:LIMIT])
    return Panel(
        "tickets", "Open tickets", "tickets/panels/tickets.html", {"tickets": tickets, "customer": customer}, 20
    )


def follow_ups_panel(*, customer: Any, actor: Actor) -> Panel:
    follow_ups = list(
        follow_up_list(actor=actor)
        .filter(customer=customer, status=FollowUp.Status.SCHEDULED)
        .select_related(None)
        .select_related("owner", "team")
        .only("id", "due_at", "note", "owner__username", "team__name")
        .order_by("due_at")[:LIMIT]
    )
    return Panel(
        "follow_ups",
        "Scheduled follow-ups",
        "tickets/panels/follow_ups.html",
        {"follow_ups": follow_ups, "customer": customer, "now": timezone.now()},
        40,
    )


def tickets_timeline(*, customer: Any, actor: Actor, before: datetime | None, limit: int) -> list[TimelineEntry]:
    tickets = _history_line(ticket_list(actor=actor).filter(customer=customer))
    if before:
        tickets = tickets.filter(created_at__lt=before)
    return [
        TimelineEntry(
            kind="ticket",
            at=ticket.created_at,
            object_id=ticket.pk,
            title=f"Ticket {ticket.number} · {ticket.get_status_display()}",
            summary=ticket.subject,
            url=reverse("tickets:ticket_detail", args=[ticket.pk]),
        )
        for ticket in tickets[:limit]
    ]


def _history_line(tickets: Any) -> Any:
    """What a line about a ticket on the customer's page shows, newest first."""
    return (
        tickets.select_related(None)
        .only("id", "number", "subject", "status", "created_at")
        .order_by("-created_at", "-id")
    )


def my_tickets_panel(*, actor: Actor) -> Panel:
    return Panel(
        "my_tickets",
        "My tickets",
        "tickets/panels/tickets.html",
        {"tickets": list(ticket_mine(actor=actor)[:LIMIT])},
        20,
    )


def overdue_follow_ups_panel(*, actor: Actor) -> Panel | None:
    if not is_active_user(actor):
        return None
    mine = list(follow_up_overdue(actor=actor, owner=actor)[:LIMIT])
    team: list[Any] = []
    if actor.role in {Role.SUPERVISOR, Role.MANAGER}:
        teams = list(user_teams(user=actor))
        theirs = follow_ups_of_teams(follow_up_overdue(actor=actor), teams)
        team = list(theirs.exclude(owner=actor)[:LIMIT])
    return Panel(
        "overdue_follow_ups",
        "Overdue follow-ups",
        "tickets/panels/overdue.html",
        {"mine": mine, "team": team, "now": timezone.now()},
        10,
    )


def call_ticket_panel(*, call: Any, actor: Actor) -> Panel:
    categories = list(Category.objects.filter(program_id=call.program_id).order_by("name"))
    return Panel(
        "call_ticket", "Ticket", "tickets/panels/call_ticket.html", {"call": call, "categories": categories}, 10
    )

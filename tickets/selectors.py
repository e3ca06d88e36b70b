"""Reads of tickets and follow-ups, scoped to the programs the actor serves."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from agents.models import Role, Team, User
from agents.permissions import Actor, id_of, is_active_user, served_program_ids
from tickets.models import OPEN_STATUSES, Category, Comment, FollowUp, Ticket, TicketEvent
from tickets.numbers import ticket_number_parse


def ticket_list(*, actor: Actor) -> QuerySet[Ticket]:
    return Ticket.objects.filter(program_id__in=served_program_ids(actor)).select_related(
        "program", "customer", "category", "team", "assignee"
    )


def ticket_get(*, actor: Actor, pk: int | str) -> Ticket | None:
    try:
        return ticket_list(actor=actor).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def ticket_queue(*, actor: Actor, team: Team) -> QuerySet[Ticket]:
    """A team's open work: unassigned first, then by SLA due time (soonest first)."""
    return (
        ticket_list(actor=actor)
        .filter(team=team, status__in=OPEN_STATUSES)
        .order_by(F("assignee").asc(nulls_first=True), F("resolution_due").asc(nulls_last=True), "id")
    )


def ticket_mine(*, actor: Actor) -> QuerySet[Ticket]:
    return (
        ticket_list(actor=actor)
        .filter(assignee_id=id_of(actor), status__in=OPEN_STATUSES)
        .order_by(F("resolution_due").asc(nulls_last=True), "id")
    )


def ticket_events(*, ticket: Ticket) -> QuerySet[TicketEvent]:
    return ticket.events.select_related("actor").order_by("-at", "-id")


def follow_up_list(*, actor: Actor) -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(program_id__in=served_program_ids(actor)).select_related(
        "ticket", "customer", "owner"
    )


def follow_up_get(*, actor: Actor, pk: int | str) -> FollowUp | None:
    try:
        return follow_up_list(actor=actor).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def follow_up_overdue(*, actor: Actor, owner: Any = None, team: Team | None = None) -> QuerySet[FollowUp]:
    overdue = follow_up_list(actor=actor).filter(status=FollowUp.Status.SCHEDULED, due_at__lte=timezone.now())
    if owner is not None:
        overdue = overdue.filter(owner=owner)
    if team is not None:
        overdue = overdue.filter(owner__memberships__team=team)
    return overdue.order_by("due_at")


def ticket_open_for_customer(*, actor: Actor, customer: Any) -> list[Ticket]:
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


def category_get(*, actor: Actor, pk: Any, program_id: int | None = None) -> Category | None:
    """A category of one of the actor's programs (of ``program_id`` when given); None when unknown."""
    try:
        categories = Category.objects.filter(pk=int(pk), program_id__in=served_program_ids(actor))
    except (TypeError, ValueError):
        return None
    if program_id is not None:
        categories = categories.filter(program_id=program_id)
    return categories.first()


def ticket_queue_teams(*, actor: Actor) -> list[Team]:
    """The teams whose queues ``actor`` works: its own teams for agents and supervisors, all teams of its
    programs for managers and admins."""
    if not is_active_user(actor):
        return []
    teams = Team.objects.filter(is_active=True, programs__in=served_program_ids(actor)).distinct()
    if actor.role in {Role.AGENT, Role.SUPERVISOR}:
        teams = teams.filter(memberships__user=actor)
    return list(teams.order_by("name"))


def ticket_unassigned_counts(*, teams: list[Team]) -> dict[int, int]:
    """New or open tickets nobody has taken, per team id."""
    return dict(
        Ticket.objects.filter(team__in=teams, status__in=["new", "open"], assignee__isnull=True)
        .values_list("team")
        .annotate(n=Count("id"))
        .values_list("team", "n")
    )


def ticket_transfer_teams(*, ticket: Ticket) -> list[Team]:
    """The other active teams serving the ticket's program."""
    teams = Team.objects.filter(programs=ticket.program_id, is_active=True)
    if ticket.team_id is not None:
        teams = teams.exclude(pk=ticket.team_id)
    return list(teams.order_by("name"))


def ticket_assignable_users(*, ticket: Ticket) -> list[User]:
    """Agents and supervisors serving the ticket's program (of its team, when it has one)."""
    users = User.objects.filter(is_active=True, role__in=[Role.AGENT, Role.SUPERVISOR]).filter(
        Q(teams__programs=ticket.program_id) | Q(programs=ticket.program_id)
    )
    if ticket.team_id:
        users = users.filter(teams=ticket.team_id)
    return list(users.distinct().order_by("username"))


def ticket_comments(*, ticket: Ticket) -> QuerySet[Comment]:
    """The conversation, oldest first, with authors."""
    return ticket.comments.select_related("author").order_by("created_at", "id")


def ticket_follow_ups(*, ticket: Ticket) -> QuerySet[FollowUp]:
    return ticket.follow_ups.select_related("owner").order_by("due_at")

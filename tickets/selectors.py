"""Reads of tickets and follow-ups, scoped to the programs the actor serves."""

from __future__ import annotations

import operator
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from functools import reduce
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db.models import Case, Count, F, FloatField, Q, QuerySet, Value, When
from django.utils import timezone

from agents.models import Role, Team, User
from agents.permissions import Actor, id_of, is_active_user, served_program_ids
from config.search import common_words_sampled, trigram_search
from tickets.models import (
    COMMENT_SEARCH_VECTOR,
    OPEN_STATUSES,
    SEARCH_CONFIG,
    TICKET_SEARCH_VECTOR,
    Category,
    Comment,
    FollowUp,
    QueueCount,
    Ticket,
    TicketEvent,
)
from tickets.numbers import ticket_number_parse


def ticket_list(*, actor: Actor) -> QuerySet[Ticket]:
    return Ticket.objects.filter(program_id__in=served_program_ids(actor)).select_related(
        "program", "customer", "category", "team", "assignee"
    )


# A common word matches a hundred thousand tickets: each source (words, comments, look-alike subjects)
# hands over at most this many matches, and only those are ranked (a more specific query narrows them).
SEARCH_CANDIDATES = 200
# A word held by more tickets (or comments) than this is looked for in a random sample of about this many.
COMMON_WORD_SAMPLE = 10_000
# A word that looks this much like a subject's word (pg_trgm word similarity) is a typo of it.
TYPO_SIMILARITY = 0.4
# ``-word`` in a query: leave out tickets holding it (web search syntax).
LEFT_OUT = re.compile(r"(?:^|(?<=\s))-(\w+)")
# A ticket whose comments hold the words ranks this much above one whose subject or description only do.
COMMENT_BONUS = 0.05


def ticket_search(*, actor: Actor, query: str, limit: int = 25) -> list[Ticket]:
    """Tickets by their words: subject and description (the subject weighs more) and comments; subjects
    that look like the words when nothing holds them (typos). Best first, newer first among equals;
    ``websearch`` syntax ("a phrase", -left-out). Scoped to the actor's programs like every ticket read.

    Candidates are found first (GIN indexes; no order, so PostgreSQL reads a rare word's few rows
    through the index and stops early on a common one) and ranked second, by primary key.
    """
    query = (query or "").strip()[:200]
    if not query:
        return []
    visible = ticket_list(actor=actor)
    words = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
    by_words = (
        visible.annotate(vector=TICKET_SEARCH_VECTOR, source=Value("words"))
        .filter(vector=words)
        .order_by()
        .values_list("pk", "source")[:SEARCH_CANDIDATES]
    )
    by_comments = (
        Comment.objects.annotate(vector=COMMENT_SEARCH_VECTOR, source=Value("comments"))
        .filter(vector=words, ticket__program_id__in=served_program_ids(actor))
        .order_by()
        .values_list("ticket_id", "source")[:SEARCH_CANDIDATES]
    )
    with common_words_sampled(COMMON_WORD_SAMPLE):
        found = list(by_words.union(by_comments, all=True))
    if found:
        in_comments = {pk for pk, source in found if source == "comments"}
        bonus = Case(When(pk__in=in_comments, then=Value(COMMENT_BONUS)), default=Value(0.0), output_field=FloatField())
        rank = SearchRank(TICKET_SEARCH_VECTOR, words) + bonus
        return list(
            visible.filter(pk__in={pk for pk, _ in found})
            .annotate(rank=rank)
            .order_by("-rank", "-created_at", "-id")[:limit]
        )
    # Nothing holds the words: subjects with words like them (typos), none holding a left-out word.
    excluded = LEFT_OUT.findall(query)
    wanted = LEFT_OUT.sub(" ", query).replace('"', " ").strip()
    if not wanted:
        return []
    alike = visible.filter(subject__trigram_word_similar=wanted).order_by()
    with trigram_search(TYPO_SIMILARITY):
        alike_ids = list(alike.values_list("pk", flat=True)[:SEARCH_CANDIDATES])
    hits = visible.filter(pk__in=alike_ids)
    if excluded:
        left_out = reduce(operator.or_, (SearchQuery(word, config=SEARCH_CONFIG) for word in excluded))
        hits = hits.annotate(vector=TICKET_SEARCH_VECTOR).exclude(vector=left_out)
    return list(
        hits.annotate(rank=TrigramWordSimilarity(wanted, "subject")).order_by("-rank", "-created_at", "-id")[:limit]
    )


def ticket_get(*, actor: Actor, pk: int | str) -> Ticket | None:
    try:
        return ticket_list(actor=actor).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


# Waiting for someone to take them: the badge on each queue's tab.
UNTAKEN_STATUSES = frozenset({"new", "open"})


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
        "ticket", "customer", "owner", "team"
    )


def follow_ups_of_teams(follow_ups: QuerySet[FollowUp], teams: Any) -> QuerySet[FollowUp]:
    """Those owned by a member of ``teams`` or waiting, unowned, in one of their queues."""
    return follow_ups.filter(Q(owner__memberships__team__in=teams) | Q(owner__isnull=True, team__in=teams)).distinct()


def follow_up_get(*, actor: Actor, pk: int | str) -> FollowUp | None:
    try:
        return follow_up_list(actor=actor).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def follow_up_overdue(*, actor: Actor, owner: Any = None, team: Team | None = None) -> QuerySet[FollowUp]:
    overdue = follow_up_list(actor=actor).filter(status=FollowUp.Status.SCHEDULED, due_at__lte=timezone.now())
    if owner is not None:
        # Theirs, and the unowned ones waiting in their teams' queues.
        overdue = overdue.filter(Q(owner=owner) | Q(owner__isnull=True, team__memberships__user=owner)).distinct()
    if team is not None:
        overdue = follow_ups_of_teams(overdue, [team])
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


def categories_of(*, actor: Actor) -> QuerySet[Category]:
    """The categories of the actor's programs."""
    return Category.objects.filter(program_id__in=served_program_ids(actor))


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


@dataclass(frozen=True)
class QueueCounts:
    """The queue page's numbers, read from the trigger-kept counters (``QueueCount``), one query."""

    open: dict[int, int]  # team id -> open tickets in its queue
    unassigned: dict[int, int]  # team id -> new or open tickets nobody has taken
    mine: int  # the actor's own open tickets


def ticket_queue_counts(*, actor: Actor, teams: list[Team]) -> QueueCounts:
    open_by_team: dict[int, int] = defaultdict(int)
    unassigned: dict[int, int] = defaultdict(int)
    mine = 0
    me = id_of(actor)
    rows = QueueCount.objects.filter(Q(team__in=teams) | Q(assignee_id=me)).values_list(
        "team_id", "assignee_id", "status", "n"
    )
    team_ids = {team.pk for team in teams}
    for team_id, assignee_id, status, n in rows:
        if assignee_id is not None and assignee_id == me:
            mine += n
        if team_id in team_ids:
            open_by_team[team_id] += n
            if assignee_id is None and status in UNTAKEN_STATUSES:
                unassigned[team_id] += n
    return QueueCounts(open=dict(open_by_team), unassigned={k: v for k, v in unassigned.items() if v}, mine=mine)


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
    return ticket.follow_ups.select_related("owner", "team").order_by("due_at")


def ticket_sla_risk(*, actor: Actor, teams: list[int] | None = None, now: Any = None) -> tuple[int, int]:
    """Open tickets of the actor's programs (of ``teams`` when given) whose resolution falls due within the
    warning window, and how many of those are already past it (the wallboard's "at SLA risk")."""
    now = now or timezone.now()
    open_tickets = Ticket.objects.filter(
        program_id__in=served_program_ids(actor), status__in=sorted(OPEN_STATUSES), resolved_at__isnull=True
    )
    if teams is not None:
        open_tickets = open_tickets.filter(team_id__in=teams)
    counts = open_tickets.filter(resolution_due__lte=now + timedelta(minutes=settings.SLA_WARNING_MINUTES)).aggregate(
        at_risk=Count("pk"), breached=Count("pk", filter=Q(resolution_due__lte=now))
    )
    return counts["at_risk"], counts["breached"]

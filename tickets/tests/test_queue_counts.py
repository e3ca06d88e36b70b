"""Queue counters: kept by triggers through every way a ticket changes, and what the queue page shows."""

from __future__ import annotations

import contextlib
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agents.tests.factories import TeamFactory
from config.errors import InvalidTransition, NotAllowed
from tickets.models import OPEN_STATUSES, QueueCount, Ticket
from tickets.services.tickets import ticket_assign, ticket_create, ticket_take, ticket_transfer, ticket_transition

pytestmark = pytest.mark.django_db


def _counters() -> Counter:
    return Counter({(row.team_id, row.assignee_id, row.status): row.n for row in QueueCount.objects.all() if row.n})


def _recount() -> Counter:
    return Counter((t.team_id, t.assignee_id, t.status) for t in Ticket.objects.filter(status__in=OPEN_STATUSES))


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["create", "take", "assign", "unassign", "transfer", "transition", "bulk", "delete"]),
        st.integers(min_value=0, max_value=50),
        st.sampled_from(sorted(Ticket.Status.values)),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=OPERATIONS)
def test_counters_equal_a_recount_after_any_sequence_of_changes(world, operations):
    other_team = TeamFactory(programs=[world.program_a])
    for operation, pick, status in operations:
        tickets = list(Ticket.objects.order_by("pk"))
        ticket = tickets[pick % len(tickets)] if tickets else None
        # A refused change changes nothing, which the recount checks too.
        with contextlib.suppress(NotAllowed, InvalidTransition, ValidationError):
            _apply(world, operation, ticket, status, tickets, pick, other_team)
        assert _counters() == _recount(), operation


def _apply(world, operation, ticket, status, tickets, pick, other_team) -> None:
    if operation == "create" or ticket is None:
        ticket_create(actor=world.agent, program=world.program_a, subject="Oven broken", team=world.team_a)
    elif operation == "take":
        ticket_take(actor=world.agent, ticket=ticket)
    elif operation == "assign":
        ticket_assign(actor=world.supervisor, ticket=ticket, assignee=world.supervisor)
    elif operation == "unassign":
        ticket_assign(actor=world.supervisor, ticket=ticket, assignee=None)
    elif operation == "transfer":
        team = other_team if ticket.team_id == world.team_a.pk else world.team_a
        ticket_transfer(actor=world.supervisor, ticket=ticket, team=team, note="Their queue")
    elif operation == "transition":
        ticket_transition(actor=world.supervisor, ticket=ticket, status=status)
    elif operation == "bulk":
        Ticket.objects.filter(pk__in=[t.pk for t in tickets[pick % 3 :: 2]]).update(status=status)
    elif operation == "delete":
        Ticket.objects.filter(pk=ticket.pk).delete()


def test_bulk_inserts_are_counted_per_statement(world):
    Ticket.objects.bulk_create(
        Ticket(program=world.program_a, team=world.team_a, number=f"SB-B{i}", subject="Bulk", status=status)
        for i, status in enumerate(["new", "open", "resolved", "closed", "on_hold"] * 4)
    )
    assert _counters() == _recount()
    assert sum(_counters().values()) == 12


def test_the_queue_page_shows_counter_figures_without_counting_tickets(client, world):
    for _ in range(30):
        ticket_create(actor=world.agent, program=world.program_a, subject="Late delivery", team=world.team_a)
    taken = Ticket.objects.order_by("pk")[:4]
    for ticket in taken:
        ticket_take(actor=world.agent, ticket=ticket)
    client.force_login(world.supervisor)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("tickets:ticket_list"), {"team": world.team_a.pk}).content.decode()
    assert "Page 1 of 2" in page
    assert '<span class="badge">26</span>' in page  # 30 new, 4 taken
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert not [sql for sql in counts if "tickets_ticket" in sql], counts

    client.force_login(world.agent)
    page = client.get(reverse("tickets:ticket_list")).content.decode()
    assert all(ticket.number in page for ticket in taken)
    assert "Page 1 of" not in page  # four tickets: one page

"""Ticket workflow, routing, transfer and SLA, as agents and supervisors see them."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from agents.models import AgentState, Membership, Notification
from agents.services.states import agent_state_set
from agents.tests.factories import TeamFactory, make_user
from config.errors import InvalidTransition, NotAllowed
from crm.tests.factories import CallFactory, customer_with_phone
from tickets.models import TRANSITIONS, Ticket, TicketEvent
from tickets.services.sla import sla_check
from tickets.services.tickets import (
    ticket_assign,
    ticket_comment_add,
    ticket_create,
    ticket_create_from_call,
    ticket_take,
    ticket_transfer,
    ticket_transition,
)
from tickets.tests.factories import CategoryFactory, SlaPolicyFactory

pytestmark = pytest.mark.django_db
ALL = list(Ticket.Status.values)


def _ticket(world, **kwargs) -> Ticket:
    return ticket_create(actor=world.agent, program=world.program_a, subject="Late delivery", **kwargs)


@pytest.mark.parametrize("current", ALL)
@pytest.mark.parametrize("target", ALL)
def test_every_transition_is_allowed_or_refused_by_the_table(world, current, target):
    ticket = _ticket(world)
    Ticket.objects.filter(pk=ticket.pk).update(status=current)
    ticket.refresh_from_db()
    if current == target:
        assert ticket_transition(actor=world.agent, ticket=ticket, status=target).status == current
    elif target in TRANSITIONS[current]:
        assert ticket_transition(actor=world.agent, ticket=ticket, status=target).status == target
        assert TicketEvent.objects.filter(ticket=ticket, kind="status", old_value=current, new_value=target).exists()
    else:
        with pytest.raises(InvalidTransition, match=f"from '{current}' to '{target}'"):
            ticket_transition(actor=world.agent, ticket=ticket, status=target)


def test_resolved_reopens_but_closed_is_final(world):
    ticket = _ticket(world)
    for status in ("open", "resolved", "open", "resolved", "closed"):
        ticket = ticket_transition(actor=world.agent, ticket=ticket, status=status)
    with pytest.raises(InvalidTransition):
        ticket_transition(actor=world.agent, ticket=ticket, status="open")


def test_number_is_human_readable_and_unique(world):
    first, second = _ticket(world), _ticket(world)
    assert first.number.startswith("SB-")
    assert first.number != second.number


def test_category_routes_to_its_team_and_preferred_agent_gets_it(world):
    billing = TeamFactory(programs=[world.program_a])
    billing_agent = make_user("agent", team=billing)
    category = CategoryFactory(program=world.program_a, team=billing)
    customer = customer_with_phone(world.program_a, preferred_agent=billing_agent)
    agent_state_set(actor=billing_agent, agent=billing_agent, state=AgentState.AVAILABLE)
    ticket = _ticket(world, category=category, customer=customer)
    assert ticket.team == billing
    assert ticket.assignee == billing_agent
    # A preferred agent outside the routed team does not get it.
    other = customer_with_phone(world.program_a, "+14155550111", preferred_agent=world.agent)
    assert _ticket(world, category=category, customer=other).assignee is None


def test_sla_due_times_from_policy(world):
    SlaPolicyFactory(program=world.program_a, priority="high", first_response_minutes=30, resolution_minutes=240)
    before = timezone.now()
    ticket = _ticket(world, priority="high")
    assert before + timedelta(minutes=30) <= ticket.first_response_due <= timezone.now() + timedelta(minutes=30)
    assert ticket.resolution_due - ticket.first_response_due == timedelta(minutes=210)


def test_transfer_needs_a_note_keeps_history_and_sla(world):
    tier2 = TeamFactory(programs=[world.program_a])
    SlaPolicyFactory(program=world.program_a)
    ticket = _ticket(world, team=world.team_a)
    ticket = ticket_take(actor=world.agent, ticket=ticket)
    due = ticket.resolution_due
    with pytest.raises(ValidationError, match="transfer"):
        ticket_transfer(actor=world.agent, ticket=ticket, team=tier2, note=" ")
    ticket = ticket_transfer(actor=world.agent, ticket=ticket, team=tier2, note="Needs a refund decision")
    assert ticket.team == tier2
    assert ticket.assignee is None
    assert ticket.resolution_due == due
    kinds = list(ticket.events.order_by("id").values_list("kind", flat=True))
    assert kinds == ["created", "assignee", "team", "assignee"]
    assert ticket.comments.get().body == "Needs a refund decision"


def test_agents_take_but_only_supervisors_reassign(world):
    ticket = _ticket(world, team=world.team_a)
    with pytest.raises(NotAllowed):
        ticket_assign(actor=world.agent, ticket=ticket, assignee=world.agent)
    ticket = ticket_take(actor=world.agent, ticket=ticket)
    with pytest.raises(NotAllowed):
        ticket_take(actor=world.supervisor, ticket=ticket)
    ticket = ticket_assign(actor=world.supervisor, ticket=ticket, assignee=world.supervisor)
    assert ticket.assignee == world.supervisor
    with pytest.raises(ValidationError):
        ticket_assign(actor=world.supervisor, ticket=ticket, assignee=world.agent_b)


def test_comments_are_redacted(world):
    ticket = _ticket(world)
    comment = ticket_comment_add(actor=world.agent, ticket=ticket, body="card 4111111111111111 cvv: 737")
    assert "4111111111111111" not in comment.body
    assert "737" not in comment.body


def test_sla_warning_and_breach_notify_assignee_and_supervisors_once(world, settings):
    settings.SLA_WARNING_MINUTES = 15
    ticket = _ticket(world, team=world.team_a)
    ticket_take(actor=world.agent, ticket=ticket)
    soon = timezone.now() + timedelta(minutes=10)
    Ticket.objects.filter(pk=ticket.pk).update(resolution_due=soon, first_responded_at=timezone.now())
    assert sla_check()["warnings"] == 2  # agent + supervisor
    assert sla_check()["warnings"] == 0
    assert sla_check(now=soon + timedelta(minutes=1))["breaches"] == 2
    assert sla_check(now=soon + timedelta(minutes=2))["breaches"] == 0
    ticket.refresh_from_db()
    assert ticket.sla_breached_at is not None
    kinds = sorted(Notification.objects.filter(kind__startswith="sla.").values_list("recipient__username", "kind"))
    assert len(kinds) == 4


def test_ticket_from_call_in_one_step(world):
    customer = customer_with_phone(world.program_a)
    call = CallFactory(customer=customer, notes="Oven arrived broken\nwants replacement")
    ticket = ticket_create_from_call(actor=world.agent, call=call)
    call.refresh_from_db()
    assert call.ticket == ticket
    assert ticket.subject == "Oven arrived broken"
    assert ticket.customer == customer


def test_other_programs_ticket_is_404_on_pages(client, world):
    other = ticket_create(actor=world.agent_b, program=world.program_b, subject="Theirs")
    client.force_login(world.agent)
    assert client.get(reverse("tickets:ticket_detail", args=[other.pk])).status_code == 404
    for name in ("ticket_status", "ticket_take", "ticket_transfer", "comment_add", "follow_up_add"):
        assert client.post(reverse(f"tickets:{name}", args=[other.pk]), {"status": "open"}).status_code == 404


def test_queue_lists_unassigned_first_then_by_due(client, world, django_assert_max_num_queries):
    now = timezone.now()
    later = _ticket(world, team=world.team_a)
    sooner = _ticket(world, team=world.team_a)
    mine = _ticket(world, team=world.team_a)
    Ticket.objects.filter(pk=later.pk).update(resolution_due=now + timedelta(hours=5))
    Ticket.objects.filter(pk=sooner.pk).update(resolution_due=now + timedelta(hours=1))
    Ticket.objects.filter(pk=mine.pk).update(resolution_due=now, assignee=world.agent)
    for _ in range(20):
        _ticket(world, team=world.team_a)
    client.force_login(world.agent)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("tickets:ticket_list"), {"team": world.team_a.pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index(sooner.number) < page.index(later.number) < page.index(mine.number)


def test_queue_count_constant_with_page_size(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.agent)
    url = reverse("tickets:ticket_list") + f"?team={world.team_a.pk}"
    _ticket(world, team=world.team_a)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(15):
        _ticket(world, team=world.team_a, customer=customer_with_phone(world.program_a, f"+1415555{_:04d}"))
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(one.captured_queries)


def test_ticket_page_renders_with_history(client, world):
    ticket = _ticket(world, team=world.team_a)
    ticket_comment_add(actor=world.agent, ticket=ticket, body="Reply sent", is_internal=False)
    Membership.objects.filter(user=world.agent).update(is_supervisor=False)
    client.force_login(world.agent)
    page = client.get(reverse("tickets:ticket_detail", args=[ticket.pk])).content.decode()
    assert "Reply sent" in page
    assert 'data-event="created"' in page


def test_the_status_control_shows_the_status_now_and_only_the_allowed_moves(client, world):
    ticket = ticket_transition(actor=world.agent, ticket=_ticket(world), status="resolved")
    client.force_login(world.agent)
    page = client.get(reverse("tickets:ticket_detail", args=[ticket.pk])).content.decode()
    control = page[page.index('<select id="status"') : page.index("</select>", page.index('<select id="status"'))]
    options = re.findall(r'<option value="(\w+)"( selected)?', control)
    assert options == [("resolved", " selected"), ("open", ""), ("closed", "")]

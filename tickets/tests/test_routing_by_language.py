"""Routing by language, skill and the customer's own agent, from agent states: tickets, callbacks and the
screen pop's answer to the phone system."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from agents.models import AgentState, Notification, Role
from agents.services.states import agent_state_set
from agents.tests.factories import TeamFactory, make_user
from crm.tests.factories import customer_with_phone
from tickets.models import FollowUp, Ticket, TicketEvent
from tickets.services.follow_ups import follow_up_complete, follow_up_schedule, follow_ups_deliver_due
from tickets.services.tickets import ticket_create
from tickets.tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


def _available(*agents, minutes_ago: int = 0):
    for agent in agents:
        agent_state_set(
            actor=agent, agent=agent, state=AgentState.AVAILABLE, at=timezone.now() - timedelta(minutes=minutes_ago)
        )


def _agent(world, *, languages=("en",), skills=(), team=None):
    return make_user(Role.AGENT, team=team or world.team_a, languages=list(languages), skills=list(skills))


def test_a_spanish_speaking_customer_gets_an_available_agent_who_speaks_spanish(world):
    english = _agent(world, languages=["en"])
    bilingual = _agent(world, languages=["en", "es"])
    away = _agent(world, languages=["es"])
    _available(english, bilingual)
    agent_state_set(actor=away, agent=away, state=AgentState.BREAK)
    customer = customer_with_phone(world.program_a, preferred_language="es")
    ticket = ticket_create(actor=world.integrator, program=world.program_a, subject="Pedido", customer=customer)
    assert (ticket.team, ticket.assignee, ticket.language) == (world.team_a, bilingual, "es")
    assert ticket.events.get(kind=TicketEvent.Kind.ASSIGNEE).note == "available, speaks es"
    # Nobody who speaks it is free: the team's queue, not an agent who cannot talk to the customer.
    agent_state_set(actor=bilingual, agent=bilingual, state=AgentState.ON_CALL, source="call")
    queued = ticket_create(actor=world.integrator, program=world.program_a, subject="Otro", customer=customer)
    assert (queued.team, queued.assignee) == (world.team_a, None)


def test_the_agent_available_longest_gets_the_work(world):
    first, second = _agent(world), _agent(world)
    _available(second, minutes_ago=1)
    _available(first, minutes_ago=9)
    ticket = ticket_create(actor=world.integrator, program=world.program_a, subject="Oven", language="en")
    assert ticket.assignee == first


def test_work_in_a_language_goes_to_the_team_that_serves_it(world):
    world.team_a.languages = ["en"]
    world.team_a.save()
    spanish_desk = TeamFactory(name="Mesa", programs=[world.program_a], languages=["es"])
    hablante = _agent(world, languages=["es"], team=spanish_desk)
    ticket = ticket_create(actor=world.integrator, program=world.program_a, subject="Pedido", language="es")
    assert (ticket.team, ticket.assignee) == (spanish_desk, None)  # nobody available: its queue
    _available(hablante)
    ticket = ticket_create(actor=world.integrator, program=world.program_a, subject="Pedido", language="es")
    assert (ticket.team, ticket.assignee) == (spanish_desk, hablante)


def test_a_category_needing_a_skill_goes_to_an_agent_who_has_it(world):
    billing = CategoryFactory(program=world.program_a, name="Refunds", team=world.team_a, skills=["billing"])
    generalist, specialist = _agent(world), _agent(world, skills=["billing", "technical"])
    _available(generalist, minutes_ago=30)
    _available(specialist)
    ticket = ticket_create(actor=world.integrator, program=world.program_a, subject="Refund", category=billing)
    assert ticket.assignee == specialist
    assert ticket.events.get(kind=TicketEvent.Kind.ASSIGNEE).note == "available, has billing"


def test_the_preferred_agent_wins_when_available_and_only_then(world):
    own = _agent(world, languages=["en"])
    other = _agent(world, languages=["en"])
    customer = customer_with_phone(world.program_a, preferred_agent=own)
    _available(other, minutes_ago=30)
    agent_state_set(actor=own, agent=own, state=AgentState.BREAK)
    ticket = ticket_create(actor=world.integrator, program=world.program_a, subject="Again", customer=customer)
    assert ticket.assignee == other  # the customer's agent is on a break: someone free now
    _available(own)
    ticket = ticket_create(actor=world.integrator, program=world.program_a, subject="Again", customer=customer)
    assert ticket.assignee == own
    assert ticket.events.get(kind=TicketEvent.Kind.ASSIGNEE).note == "preferred agent"


def test_a_callback_from_the_phone_system_is_routed_or_waits_in_the_team_queue(world):
    customer = customer_with_phone(world.program_a, preferred_language="es")
    hablante = _agent(world, languages=["es"])
    colleague = _agent(world, languages=["en"])
    due = timezone.now() + timedelta(hours=2)
    # Nobody who speaks Spanish is free: the team's queue, no owner yet.
    queued = follow_up_schedule(actor=world.integrator, customer=customer, due_at=due)
    assert (queued.owner, queued.team) == (None, world.team_a)
    _available(hablante)
    routed = follow_up_schedule(actor=world.integrator, customer=customer, due_at=due)
    assert (routed.owner, routed.team) == (hablante, world.team_a)
    # An agent scheduling a call back keeps it.
    mine = follow_up_schedule(actor=colleague, customer=customer, due_at=due)
    assert mine.owner == colleague

    # When the queued one falls due, the team's members who are free hear of it; one of them makes the call.
    FollowUp.objects.filter(pk__in=[queued.pk, routed.pk, mine.pk]).update(due_at=timezone.now() - timedelta(minutes=1))
    follow_ups_deliver_due()
    told = set(Notification.objects.filter(kind="follow_up.due", url=f"/customers/{customer.pk}/").values_list(
        "recipient__username", "title"
    ))  # fmt: skip
    assert (hablante.username, f"Call back due: customer #{customer.pk} (team, unowned)") in told
    assert (colleague.username, f"Call back due: customer #{customer.pk}") in told
    assert not any(name == world.agent.username for name, _ in told)  # offline: the free ones are told
    assert follow_up_complete(actor=colleague, follow_up=queued).status == FollowUp.Status.DONE
    with pytest.raises(Exception, match="not yours"):
        follow_up_complete(actor=world.agent_b, follow_up=routed)


def test_the_screen_pop_tells_the_phone_system_whom_to_route_to(world):
    own = _agent(world)
    own.extension = "2041"
    own.save()
    customer_with_phone(world.program_a, "+14155550123", preferred_agent=own)
    api = APIClient()
    api.force_authenticate(world.integrator)

    def route_to():
        found = api.post("/api/v1/customers/lookup/", {"phone": "415 555 0123"}, format="json").json()
        return found["results"][0]["route_to_agent"]

    assert route_to() == {
        "id": own.pk, "username": own.username, "extension": "2041", "state": "offline", "available": False,
    }  # fmt: skip
    _available(own)
    assert route_to()["available"] is True
    agent_state_set(actor=own, agent=own, state=AgentState.ON_CALL, source="call")
    assert route_to()["state"] == "on_call"
    assert route_to()["available"] is False
    own.is_active = False
    own.save()
    assert route_to() is None


def test_unassigned_tickets_stay_unassigned_when_nobody_is_free(world):
    _agent(world)  # offline
    ticket = ticket_create(actor=world.integrator, program=world.program_a, subject="Oven")
    assert ticket.assignee is None
    assert Ticket.objects.filter(team=world.team_a, assignee__isnull=True).count() == 1

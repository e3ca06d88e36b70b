"""Every ticket lands in a queue: category, preferred agent, the program's default team; never without a team."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from agents.models import AgentState, Program, Role, User
from agents.services.states import agent_state_set
from agents.tests.factories import ProgramFactory, TeamFactory, make_user
from crm.services.live_calls import call_answer
from crm.tests.factories import customer_with_phone
from tickets.models import Ticket
from tickets.services.tickets import ticket_create, ticket_create_from_call

pytestmark = pytest.mark.django_db


def test_a_ticket_opened_from_a_call_lands_in_the_default_queue_and_stays_with_the_agent(client, world):
    TeamFactory(name="Billing", programs=[world.program_a])  # two teams: the default decides
    customer = customer_with_phone(world.program_a)
    call = call_answer(actor=world.agent, customer=customer, direction="inbound")
    client.force_login(world.agent)
    client.post(reverse("tickets:ticket_from_call", args=[call.pk]), {"subject": "Broken oven"})
    ticket = Ticket.objects.get(subject="Broken oven")
    assert ticket.team == world.team_a  # the program's default team: in a queue
    assert ticket.assignee == world.agent  # who took the call keeps the caller's matter
    mine = client.get(reverse("tickets:ticket_list")).content.decode()
    assert ticket.number in mine  # "My tickets"


def test_the_preferred_agent_routes_to_its_team_and_gets_the_ticket_when_available(world):
    billing = TeamFactory(name="Billing", programs=[world.program_a])
    specialist = make_user(Role.AGENT, team=billing)
    customer = customer_with_phone(world.program_a, preferred_agent=specialist)
    ticket = ticket_create(actor=world.supervisor, program=world.program_a, subject="Invoice", customer=customer)
    assert (ticket.team, ticket.assignee) == (billing, None)  # offline: the team's queue
    agent_state_set(actor=specialist, agent=specialist, state=AgentState.AVAILABLE)
    ticket = ticket_create(actor=world.supervisor, program=world.program_a, subject="Invoice", customer=customer)
    assert (ticket.team, ticket.assignee) == (billing, specialist)


def test_a_program_with_several_teams_and_no_default_is_refused_by_name(world):
    program = ProgramFactory()
    TeamFactory(programs=[program])
    TeamFactory(programs=[program])
    admin = User.objects.get(pk=world.admin.pk)  # fresh: serves the programs made above
    with pytest.raises(ValidationError) as refused:
        ticket_create(actor=admin, program=program, subject="Lost")
    assert "team" in refused.value.message_dict
    assert not Ticket.objects.filter(program=program).exists()
    only = ProgramFactory()
    team = TeamFactory(programs=[only])
    admin = User.objects.get(pk=world.admin.pk)
    assert ticket_create(actor=admin, program=only, subject="Found").team == team  # its only team


def test_the_database_refuses_a_ticket_without_a_team(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Ticket.objects.create(number="SB-X1", subject="No queue", program=world.program_a)


def test_creating_from_a_call_with_no_customer_still_routes(world):
    TeamFactory(name="Billing", programs=[world.program_a])
    call = call_answer(actor=world.agent, customer=None, direction="inbound", phone_number="+14155550199")
    ticket = ticket_create_from_call(actor=world.agent, call=call, subject="Unknown caller")
    assert ticket.team_id == Program.objects.get(pk=world.program_a.pk).default_team_id

"""Canned replies and note templates: filled in for the ticket or call they are inserted into, per program and
team, with placeholders checked when they are written."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agents.tests.factories import TeamFactory
from crm.models import CannedText
from crm.services.live_calls import call_answer
from crm.tests.factories import customer_with_phone
from tickets.services.tickets import ticket_create

pytestmark = pytest.mark.django_db


def test_a_ticket_offers_its_programs_and_teams_texts_filled_in(client, world):
    customer = customer_with_phone(world.program_a, name="Maria Garcia")
    ticket = ticket_create(actor=world.agent, program=world.program_a, subject="Late cake", customer=customer)
    CannedText.objects.create(program=world.program_a, title="Refund", body="Hi {customer_first_name}, {ticket_number} "
                              "is refunded. {agent_first_name} ({program})")  # fmt: skip
    CannedText.objects.create(program=world.program_a, team=world.team_a, kind="note", title="Front line only",
                              body="Seen by {agent_name}")  # fmt: skip
    other_team = TeamFactory(programs=[world.program_a])
    CannedText.objects.create(program=world.program_a, team=other_team, title="Billing desk", body="x")
    CannedText.objects.create(program=world.program_b, title="Northwind greeting", body="y")
    CannedText.objects.create(program=world.program_a, title="Retired", body="z", is_active=False)
    client.force_login(world.agent)
    page = client.get(reverse("tickets:ticket_canned", args=[ticket.pk])).content.decode()
    first = world.agent.first_name or world.agent.username
    assert f"Hi Maria, {ticket.number} is refunded. {first} (Acme)" in page
    assert f"Seen by {world.agent.get_full_name()}" in page
    for hidden in ("Billing desk", "Northwind greeting", "Retired"):
        assert hidden not in page


def test_a_calls_note_templates_leave_what_they_cannot_fill(client, world):
    customer = customer_with_phone(world.program_a, name="Chen Wang")
    call = call_answer(actor=world.agent, customer=customer, direction="inbound")
    CannedText.objects.create(program=world.program_a, kind="note", title="Callback", body="Call {customer_name} "
                              "back about {ticket_number}")  # fmt: skip
    CannedText.objects.create(program=world.program_a, kind="reply", title="A reply", body="not for notes")
    client.force_login(world.agent)
    page = client.get(reverse("crm:call_canned", args=[call.pk])).content.decode()
    assert "Call Chen Wang back about {ticket_number}" in page
    assert "A reply" not in page
    client.force_login(world.agent_b)
    assert client.get(reverse("crm:call_canned", args=[call.pk])).status_code == 404


def test_an_unknown_placeholder_is_refused_naming_the_field(client, world):
    client.force_login(world.admin)
    response = client.post(
        reverse("admin:crm_cannedtext_add"),
        {"program": world.program_a.pk, "kind": "reply", "title": "Typo", "body": "Hi {custmer_name}",
         "is_active": "on"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Unknown placeholder custmer_name" in response.content.decode()
    assert not CannedText.objects.exists()

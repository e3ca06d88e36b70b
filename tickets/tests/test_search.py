"""Ticket search by words: what an agent finds when a customer calls about "the broken oven"."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from integrations.services.tokens import token_create
from tickets.models import Ticket
from tickets.selectors import ticket_search
from tickets.services.tickets import ticket_comment_add, ticket_create

pytestmark = pytest.mark.django_db


def _ticket(world, subject: str, description: str = "", program=None) -> Ticket:
    return ticket_create(
        actor=world.agent if program is None else world.agent_b,
        program=program or world.program_a,
        subject=subject,
        description=description,
    )


def _numbers(tickets) -> list[str]:
    return [t.number for t in tickets]


def test_words_in_the_subject_rank_above_the_description_and_comments_count(world):
    in_description = _ticket(world, "Kitchen visit", "The oven door is broken since spring.")
    in_subject = _ticket(world, "Broken oven door", "Customer wants a technician.")
    in_comment = _ticket(world, "Callback requested")
    ticket_comment_add(actor=world.agent, ticket=in_comment, body="Turns out the oven was broken too.")
    _ticket(world, "Refund for a cake")
    found = _numbers(ticket_search(actor=world.agent, query="broken oven"))
    assert found[0] == in_subject.number
    assert set(found) == {in_subject.number, in_description.number, in_comment.number}


def test_stems_phrases_and_left_out_words(world):
    refunds = _ticket(world, "Refunds pending", "Two refunds were requested.")
    oven = _ticket(world, "Broken oven door")
    door = _ticket(world, "Front door bell broken")
    assert _numbers(ticket_search(actor=world.agent, query="refund")) == [refunds.number]  # stemmed
    assert _numbers(ticket_search(actor=world.agent, query='"oven door"')) == [oven.number]
    assert _numbers(ticket_search(actor=world.agent, query="broken -oven")) == [door.number]


def test_typos_find_the_subject_they_misspell(world):
    oven = _ticket(world, "Broken oven door")
    _ticket(world, "Missing invoice")
    assert _numbers(ticket_search(actor=world.agent, query="brokn ovn")) == [oven.number]
    assert ticket_search(actor=world.agent, query="brokn ovn -door") == []
    assert ticket_search(actor=world.agent, query="xqzzy") == []


def test_another_programs_tickets_are_never_found(world):
    _ticket(world, "Broken oven door", program=world.program_b)
    other = _ticket(world, "Kitchen visit", program=world.program_b)
    ticket_comment_add(actor=world.agent_b, ticket=other, body="The oven is broken.")
    assert ticket_search(actor=world.agent, query="broken oven") == []
    assert ticket_search(actor=world.agent, query="brokn ovn") == []
    assert len(ticket_search(actor=world.agent_b, query="broken oven")) == 2


def test_the_search_page_and_the_api(client, world):
    oven = _ticket(world, "Broken oven door")
    client.force_login(world.agent)
    page = client.get(reverse("tickets:ticket_search"), {"q": "oven"}).content.decode()
    assert oven.number in page
    assert "1 best match for" in page
    assert "No ticket matches" in client.get(reverse("tickets:ticket_search"), {"q": "xqzzy"}).content.decode()
    assert 'action="/tickets/search/"' in client.get(reverse("tickets:ticket_list")).content.decode()
    _, token = token_create(user=world.integrator, name="CTI")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    body = api.get("/api/v1/tickets/", {"q": "ovn"}).json()
    assert [row["number"] for row in body["results"]] == [oven.number]

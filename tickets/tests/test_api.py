"""Tickets, comments and follow-ups over the REST API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from crm.tests.factories import CallFactory, customer_with_phone
from tickets.models import Ticket
from tickets.services.tickets import ticket_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(world):
    client = APIClient()
    client.force_authenticate(world.agent)
    return client


def test_create_ticket_linking_a_call(api, world):
    customer = customer_with_phone(world.program_a)
    call = CallFactory(customer=customer)
    response = api.post(
        "/api/v1/tickets/", {"subject": "Refund please", "customer": customer.pk, "call": call.pk}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"].startswith("SB-")
    assert body["status"] == "new"
    call.refresh_from_db()
    assert call.ticket_id == body["id"]


def test_status_change_follows_the_table(api, world):
    ticket = ticket_create(actor=world.agent, program=world.program_a, subject="x")
    url = f"/api/v1/tickets/{ticket.pk}/"
    assert api.patch(url, {"status": "closed"}, format="json").json()["status"] == "closed"
    response = api.patch(url, {"status": "open"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert "closed" in response.json()["message"]


def test_transfer_without_note_is_400(api, world):
    from agents.tests.factories import TeamFactory

    billing = TeamFactory(programs=[world.program_a])
    ticket = ticket_create(actor=world.agent, program=world.program_a, subject="x")
    response = api.patch(f"/api/v1/tickets/{ticket.pk}/", {"team": billing.pk}, format="json")
    assert response.status_code == 400
    assert "note" in response.json()["details"]


def test_comments_and_follow_ups(api, world):
    ticket = ticket_create(actor=world.agent, program=world.program_a, subject="x")
    created = api.post(f"/api/v1/tickets/{ticket.pk}/comments/", {"body": "Called back", "is_internal": False}, "json")
    assert created.status_code == 201
    assert api.get(f"/api/v1/tickets/{ticket.pk}/comments/").json()["results"][0]["body"] == "Called back"
    due = (timezone.now() + timedelta(hours=2)).isoformat()
    follow_up = api.post("/api/v1/follow-ups/", {"ticket": ticket.pk, "due_at": due, "note": "check"}, format="json")
    assert follow_up.status_code == 201, follow_up.json()
    assert follow_up.json()["owner"] == world.agent.pk
    done = api.patch(f"/api/v1/follow-ups/{follow_up.json()['id']}/", {"status": "done"}, format="json")
    assert done.json()["status"] == "done"


def test_other_programs_tickets_are_404(api, world):
    other = ticket_create(actor=world.agent_b, program=world.program_b, subject="theirs")
    assert api.get(f"/api/v1/tickets/{other.pk}/").status_code == 404
    assert api.patch(f"/api/v1/tickets/{other.pk}/", {"status": "open"}, format="json").status_code == 404
    assert api.get(f"/api/v1/tickets/{other.pk}/comments/").status_code == 404
    due = (timezone.now() + timedelta(hours=1)).isoformat()
    assert api.post("/api/v1/follow-ups/", {"ticket": other.pk, "due_at": due}, format="json").status_code == 400
    assert other.number not in str(api.get("/api/v1/tickets/").json())


def test_list_query_count_and_filters(api, world, django_assert_max_num_queries):
    for i in range(30):
        ticket_create(
            actor=world.agent,
            program=world.program_a,
            subject=f"t{i}",
            customer=customer_with_phone(world.program_a, f"+1415555{i:04d}"),
        )
    with django_assert_max_num_queries(6):
        response = api.get("/api/v1/tickets/", {"page_size": 30, "status": "new"})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 30
    since = (timezone.now() + timedelta(minutes=1)).isoformat()
    assert api.get("/api/v1/tickets/", {"updated_at__gte": since}).json()["results"] == []


def test_a_call_of_another_program_is_refused_before_anything_is_written(world):
    """Issue 13: the ticket and the call link are one use case; a refusal names the field and leaves no ticket."""
    admin = APIClient()
    admin.force_authenticate(world.admin)  # serves both programs, so both records are visible to it
    customer = customer_with_phone(world.program_a)
    other_call = CallFactory(customer=customer_with_phone(world.program_b, number="+442079460000"))
    response = admin.post(
        "/api/v1/tickets/", {"subject": "Refund", "customer": customer.pk, "call": other_call.pk}, format="json"
    )
    assert response.status_code == 400, response.json()
    assert "call" in response.json()["details"]
    assert not Ticket.objects.exists()
    other_call.refresh_from_db()
    assert other_call.ticket_id is None


def test_a_program_must_be_named_by_someone_serving_several(world):
    admin = APIClient()
    admin.force_authenticate(world.admin)
    response = admin.post("/api/v1/tickets/", {"subject": "No customer, no program"}, format="json")
    assert response.status_code == 400
    assert "program" in response.json()["details"]
    assert not Ticket.objects.exists()

"""Customers, screen pop and calls over the REST API."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from crm.models import Call, NoteFlag
from crm.tests.factories import (
    CallFactory,
    CustomerEmailFactory,
    CustomerPhoneFactory,
    NoteFactory,
    customer_with_phone,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(world):
    client = APIClient()
    client.force_authenticate(world.agent)
    return client


def test_lookup_any_format_returns_customers_best_first(api, world):
    customer = customer_with_phone(world.program_a, "+14155550100", name="Maria Garcia")
    NoteFactory(customer=customer, flag=NoteFlag.CAUTION, body="Disputes invoices")
    customer_with_phone(world.program_b, "+14155550100")
    response = api.post("/api/v1/customers/lookup/", {"phone": "(415) 555-0100"}, format="json")
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["id"] for r in results] == [customer.pk]
    assert results[0]["phones"] == [{"number": "+14155550100", "label": "", "is_primary": True}]
    assert results[0]["flags"] == ["caution"]


def test_lookup_shows_a_customer_exactly_as_the_customer_endpoint_does(api, world, django_assert_num_queries):
    """The screen pop is one hand-written statement; it must not drift from the serializer's contract."""
    from crm.models import Organization

    organization = Organization.objects.create(program=world.program_a, name="Acme Bakery")
    customer = customer_with_phone(
        world.program_a, "+14155550100", organization=organization, tags=["wholesale"], vip=True
    )
    CustomerPhoneFactory(customer=customer, number="+14155550199", is_primary=False, label="mobile")
    CustomerEmailFactory(customer=customer, address="orders@acme.example")
    NoteFactory(customer=customer, flag=NoteFlag.CAUTION)
    NoteFactory(customer=customer, flag=NoteFlag.VIP)
    NoteFactory(customer=customer, flag=NoteFlag.CAUTION)
    bare = customer_with_phone(world.program_a, "+14155550199")  # its primary number: ranked first
    detail = api.get(f"/api/v1/customers/{customer.pk}/").json()
    # One search (the agent's programs are already known to the request's user) and the access log's insert.
    with django_assert_num_queries(2):
        found = api.post("/api/v1/customers/lookup/", {"phone": "415 555 0199"}, format="json").json()["results"]
    assert [c["id"] for c in found] == [bare.pk, customer.pk]
    assert [c.pop("route_to_agent") for c in found] == [None, None]  # no preferred agent: nobody to route to
    assert found[1] == detail
    assert found[1]["flags"] == ["caution", "vip"]
    assert found[1]["phones"][1] == {"number": "+14155550199", "label": "mobile", "is_primary": False}
    assert found[0] == api.get(f"/api/v1/customers/{bare.pk}/").json()
    assert (found[0]["organization"], found[0]["emails"], found[0]["flags"]) == (None, [], [])


def test_lookup_requires_a_phone(api):
    response = api.post("/api/v1/customers/lookup/", {}, format="json")
    assert response.status_code == 400
    assert response.json()["details"]["phone"]


def test_create_and_update_customer(api, world):
    response = api.post(
        "/api/v1/customers/",
        {"name": "Chen Wang", "phones": [{"number": "415.555.0142"}], "emails": [{"address": "chen@example.com"}]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["program"] == world.program_a.pk
    assert body["phones"][0]["number"] == "+14155550142"
    response = api.patch(f"/api/v1/customers/{body['id']}/", {"vip": True}, format="json")
    assert response.status_code == 200
    assert response.json()["vip"] is True


def test_bad_phone_is_400_naming_the_field(api):
    response = api.post("/api/v1/customers/", {"name": "X", "phones": [{"number": "nope"}]}, format="json")
    assert response.status_code == 400
    assert "phones" in response.json()["details"]


def test_other_programs_customer_is_404(api, world):
    other = customer_with_phone(world.program_b)
    assert api.get(f"/api/v1/customers/{other.pk}/").status_code == 404
    assert api.patch(f"/api/v1/customers/{other.pk}/", {"vip": True}, format="json").status_code == 404
    assert api.get(f"/api/v1/customers/{other.pk}/timeline/").status_code == 404
    assert api.get(f"/api/v1/customers/{other.pk}/notes/").status_code == 404
    call = CallFactory(customer=other)
    assert api.get(f"/api/v1/calls/{call.pk}/").status_code == 404


def test_call_upsert_over_the_api(world):
    client = APIClient()
    client.force_authenticate(world.integrator)
    customer = customer_with_phone(world.program_a)
    payload = {"external_id": "pbx-42", "direction": "inbound", "customer": customer.pk, "phone_number": "4155550100"}
    first = client.post("/api/v1/calls/", payload, format="json")
    assert first.status_code == 201, first.json()
    answered = "2026-03-02T10:00:05Z"
    again = client.post(
        "/api/v1/calls/",
        # Durations are derived from the timestamps: a typed talk_seconds is ignored.
        {
            **payload,
            "talk_seconds": 999,
            "started_at": "2026-03-02T10:00:00Z",
            "answered_at": answered,
            "ended_at": "2026-03-02T10:01:06Z",
        },
        format="json",
    )
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["talk_seconds"] == 61
    assert again.json()["state"] == "completed"
    assert Call.objects.count() == 1
    hangup = client.patch(
        f"/api/v1/calls/{first.json()['id']}/", {"disposition": "resolved", "notes": "4111-1111-1111-1111"}, "json"
    )
    assert hangup.status_code == 200
    assert "4111-1111-1111-1111" not in hangup.json()["notes"]


def test_call_for_another_programs_customer_is_refused(world):
    client = APIClient()
    client.force_authenticate(world.integrator)
    other = customer_with_phone(world.program_b)
    response = client.post("/api/v1/calls/", {"direction": "inbound", "customer": other.pk}, format="json")
    assert response.status_code == 400
    assert "customer" in response.json()["details"]
    assert not Call.objects.exists()


def test_a_call_naming_another_programs_records_reads_as_naming_none(world):
    """No leak: a customer, program or ticket of a program the caller does not serve is "does not exist",
    word for word what an id nobody has gets, never "belongs to another program"."""
    from tickets.services.tickets import ticket_create

    client = APIClient()
    client.force_authenticate(world.integrator)
    acme = customer_with_phone(world.program_a)
    northwind = customer_with_phone(world.program_b, number="+442079460000")
    theirs = {
        "customer": northwind.pk,
        "program": world.program_b.pk,
        "ticket": ticket_create(actor=world.admin, subject="Line down", customer=northwind).pk,
    }
    for field, pk in theirs.items():
        answers = []
        for given in (pk, 10**9):
            body = {"direction": "inbound", "customer": acme.pk, field: given}
            response = client.post("/api/v1/calls/", body, format="json")
            assert response.status_code == 400, (field, response.json())
            answers.append(response.json()["details"][field][0].replace(str(given), "ID"))
        assert answers[0] == answers[1], field
    assert not Call.objects.exists()


def test_a_call_mixing_programs_is_refused_naming_the_field_and_leaves_no_row(world):
    """Invariant 10 for someone serving both programs: an Acme customer with a Northwind ticket."""
    from tickets.services.tickets import ticket_create

    client = APIClient()
    client.force_authenticate(world.admin)
    acme = customer_with_phone(world.program_a)
    northwind_ticket = ticket_create(
        actor=world.admin, subject="Line down", customer=customer_with_phone(world.program_b, number="+442079460000")
    )
    response = client.post(
        "/api/v1/calls/",
        {"direction": "inbound", "customer": acme.pk, "ticket": northwind_ticket.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "ticket" in response.json()["details"]
    assert not Call.objects.exists()


def test_outbound_dnc_is_422_with_a_clear_message(api, world):
    customer = customer_with_phone(world.program_a, do_not_call=True)
    response = api.post("/api/v1/calls/", {"direction": "outbound", "customer": customer.pk}, format="json")
    assert response.status_code == 422
    assert "do-not-call" in response.json()["message"]


@pytest.mark.parametrize("url", ["/api/v1/customers/", "/api/v1/calls/"])
def test_list_query_count_does_not_grow_with_page_size(api, world, url, django_assert_max_num_queries):
    for i in range(30):
        customer = customer_with_phone(world.program_a, f"+1415555{i:04d}")
        NoteFactory(customer=customer, flag=NoteFlag.VIP)
        CallFactory(customer=customer)
    with django_assert_max_num_queries(10):
        response = api.get(url, {"page_size": 30})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 30


def test_timeline_and_notes(api, world):
    customer = customer_with_phone(world.program_a)
    CallFactory(customer=customer, notes="First call")
    created = api.post(f"/api/v1/customers/{customer.pk}/notes/", {"body": "Call back Friday", "flag": ""}, "json")
    assert created.status_code == 201
    timeline = api.get(f"/api/v1/customers/{customer.pk}/timeline/").json()
    assert [entry["kind"] for entry in timeline] == ["note", "call"]


def test_every_text_has_a_limit_named_by_its_field(api, world):
    long_tag = api.post("/api/v1/customers/", {"name": "A", "tags": ["t" * 41]}, format="json")
    assert long_tag.status_code == 400
    assert "tags" in long_tag.json()["details"]
    customer = customer_with_phone(world.program_a)
    long_note = api.post(f"/api/v1/customers/{customer.pk}/notes/", {"body": "n" * 20_001}, format="json")
    assert long_note.status_code == 400
    assert "body" in long_note.json()["details"]
    assert not customer.notes.exists()

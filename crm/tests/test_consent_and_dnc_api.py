"""The consent ledger and the do-not-call lists over the API and on the customer page."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from crm.models import ConsentRecord, DoNotCallEntry
from crm.tests.factories import customer_with_phone

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_an_agent_records_consent_and_reads_the_ledger(world):
    customer = customer_with_phone(world.program_a)
    url = f"/api/v1/customers/{customer.pk}/consents/"
    api = _api(world.agent)
    granted = api.post(
        url, {"purpose": "outbound_calls", "granted": True, "channel": "phone", "source": "Call 12"}, format="json"
    )
    assert granted.status_code == 201, granted.json()
    body = granted.json()
    assert (body["purpose"], body["granted"], body["recorded_by"]) == ("outbound_calls", True, "agent")
    api.post(
        url, {"purpose": "outbound_calls", "granted": False, "channel": "email", "source": "Unsubscribe"}, format="json"
    )
    ledger = api.get(url).json()["results"]
    assert [(r["granted"], r["source"]) for r in ledger] == [(True, "Call 12"), (False, "Unsubscribe")]
    refused = api.post(url, {"purpose": "telepathy", "granted": True, "channel": "phone", "source": "x"}, format="json")
    assert refused.status_code == 400
    assert "purpose" in refused.json()["details"]
    # Another program's agent does not see the customer at all.
    assert _api(world.agent_b).get(url).status_code == 404
    assert ConsentRecord.objects.count() == 2


def test_lists_are_kept_by_admins_and_integrators_never_by_agents(world):
    api = _api(world.integrator)
    created = api.post(
        "/api/v1/dnc/", {"program": world.program_a.pk, "number": "(415) 555-0100", "source": "client"}, format="json"
    )
    assert created.status_code == 201, created.json()
    assert created.json()["number"] == "+14155550100"
    again = api.post(
        "/api/v1/dnc/", {"program": world.program_a.pk, "number": "+14155550100", "source": "client"}, format="json"
    )
    assert (again.status_code, again.json()["id"]) == (200, created.json()["id"])
    shared = {"program": None, "number": "+12125550100", "source": "registry"}
    assert api.post("/api/v1/dnc/", shared, format="json").status_code == 403  # the shared list: admins only
    assert _api(world.admin).post("/api/v1/dnc/", shared, format="json").status_code == 201
    assert _api(world.agent).post("/api/v1/dnc/", {"program": world.program_a.pk, "number": "+14155550111",
                                                   "source": "client"}, format="json").status_code == 403  # fmt: skip
    # Which list is never guessed: leaving "program" out is an error naming it (it was a 500, found by the fuzzer).
    omitted = _api(world.admin).post("/api/v1/dnc/", {"number": "0", "source": "customer"}, format="json")
    assert omitted.status_code == 400
    assert "program" in omitted.json()["details"]
    # Agents read what their programs honour: their list and the shared one, not another program's.
    DoNotCallEntry.objects.create(program=world.program_b, number="+442079460000", source="client")
    seen = {row["number"] for row in _api(world.agent).get("/api/v1/dnc/").json()["results"]}
    assert seen == {"+14155550100", "+12125550100"}


def test_a_customers_own_request_is_lifted_by_an_admin_only(world, client):
    customer = customer_with_phone(world.program_a, "+14155550100")
    client.force_login(world.agent)
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    assert "Customer asks not to be called" in page
    client.post(f"/customers/{customer.pk}/do-not-call/")
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    assert "+14155550100 on the do-not-call list." in page
    entry = DoNotCallEntry.objects.get()
    assert _api(world.integrator).delete(f"/api/v1/dnc/{entry.pk}/").status_code == 403
    assert _api(world.admin).delete(f"/api/v1/dnc/{entry.pk}/").status_code == 204
    assert not DoNotCallEntry.objects.exists()


def test_consent_is_recorded_from_the_customer_page(world, client):
    customer = customer_with_phone(world.program_a)
    client.force_login(world.agent)
    client.post(
        f"/customers/{customer.pk}/consents/",
        {"purpose": "marketing", "granted": "true", "channel": "phone", "source": "This call"},
    )
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    item = page[page.index('data-consent="marketing"') :].split("</li>")[0]
    assert "granted" in item
    assert "This call" in item
    customer.refresh_from_db()
    assert customer.marketing_consent is True

"""Campaigns: the contact list (all or nothing, merged by phone), preview dialling under the calling rules,
outcomes and retries, and twenty agents asking at once."""

from __future__ import annotations

import io
import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connections
from django.utils import timezone
from rest_framework.test import APIClient

from agents.models import AuditEvent, Role
from agents.tests.factories import make_user
from config.errors import NotAllowed
from crm.models import CallingHours, Customer, CustomerPhone, DoNotCallEntry
from crm.services.outbound import consent_record
from crm.tests.factories import customer_with_phone
from outbound.models import Attempt, CampaignContact
from outbound.services import (
    CampaignNotRunning,
    ContactRow,
    campaign_create,
    campaign_import_contacts,
    campaign_next,
    campaign_set_status,
    contact_outcome,
    contact_rows_from_csv,
)

pytestmark = pytest.mark.django_db


def _campaign(world, **settings):
    campaign = campaign_create(actor=world.supervisor, program=world.program_a, name="Renewals", **settings)
    return campaign_set_status(actor=world.supervisor, campaign=campaign, status="running")


def _rows(*pairs: tuple[str, str]) -> list[ContactRow]:
    return [ContactRow(line=i, name=name, phone=phone) for i, (name, phone) in enumerate(pairs, start=2)]


def test_a_list_with_a_bad_line_imports_nothing_and_names_each_line(world):
    campaign = _campaign(world)
    text = (
        "name,phone,time_zone\nAda,+14155550100,America/Los_Angeles\n,415-555-0101,\n"
        "Bo,not a phone,\nCy,4155550102,Mars/Base\n"
    )
    report = campaign_import_contacts(
        actor=world.supervisor, campaign=campaign, rows=contact_rows_from_csv(io.StringIO(text))
    )
    assert report.errors == [
        (3, "name: required"),
        (4, "phone: 'not a phone' is not a phone number"),
        (5, "time_zone: 'Mars/Base' is not a known time zone"),
    ]
    assert not CampaignContact.objects.exists()
    assert not Customer.objects.filter(name="Ada").exists()


def test_a_list_merges_onto_customers_by_phone(world):
    known = customer_with_phone(world.program_a, "+14155550100", name="Known Customer")
    customer_with_phone(world.program_b, "+14155550101", name="Another program's")  # not ours to merge onto
    campaign = _campaign(world)
    rows = _rows(("Known C.", "(415) 555-0100"), ("New One", "415.555.0101"), ("New One again", "+1 415 555 0101"))
    report = campaign_import_contacts(actor=world.supervisor, campaign=campaign, rows=rows)
    assert (report.added, report.matched, report.merged) == (2, 1, 1)
    contacts = {c.phone: c.customer for c in CampaignContact.objects.select_related("customer")}
    assert contacts["+14155550100"] == known
    assert contacts["+14155550101"].name == "New One"
    assert contacts["+14155550101"].program == world.program_a
    # Loading the same list again adds nobody; another number of a customer already listed merges too.
    known.phones.create(number="+14155550199", label="work")
    again = campaign_import_contacts(
        actor=world.supervisor, campaign=campaign, rows=[*rows, *_rows(("K", "+14155550199"))]
    )
    assert (again.added, again.merged) == (0, 4)
    assert CampaignContact.objects.count() == 2


def test_an_agent_cannot_load_a_list(world):
    campaign = _campaign(world)
    with pytest.raises(NotAllowed):
        campaign_import_contacts(actor=world.agent, campaign=campaign, rows=_rows(("A", "+14155550100")))


def _contact(campaign, customer):
    phone = CustomerPhone.objects.filter(customer=customer).values_list("number", flat=True).first()
    return CampaignContact.objects.create(
        campaign=campaign, customer=customer, phone=phone, next_attempt_at=timezone.now()
    )


def test_next_skips_the_do_not_call_list_and_missing_consent_for_good(world):
    campaign = _campaign(world, requires_consent=True)
    listed = customer_with_phone(world.program_a, "+14155550100")
    DoNotCallEntry.objects.create(program=None, number="+14155550100", source="registry")
    silent = customer_with_phone(world.program_a, "+14155550101")
    willing = customer_with_phone(world.program_a, "+14155550102")
    consent_record(
        actor=world.agent, customer=willing, purpose="outbound_calls", granted=True, channel="web", source="Form"
    )
    for customer in (listed, silent, willing):
        _contact(campaign, customer)
    handed = campaign_next(actor=world.agent, campaign=campaign)
    assert handed.customer == willing
    assert campaign_next(actor=world.agent, campaign=campaign) == handed  # held: the same one again
    excluded = dict(CampaignContact.objects.filter(status="excluded").values_list("customer_id", "excluded_because"))
    assert excluded == {listed.pk: "do_not_call", silent.pk: "consent"}
    assert AuditEvent.objects.filter(action="outbound.refused", data__path="campaign").count() == 2


def test_next_leaves_a_contact_outside_its_hours_waiting(world):
    campaign = _campaign(world)
    today = timezone.now().date()
    CallingHours.objects.filter(program=world.program_a).update(
        holidays=[today - timedelta(days=1), today, today + timedelta(days=1)]
    )
    contact = _contact(campaign, customer_with_phone(world.program_a, "+14155550100"))
    assert campaign_next(actor=world.agent, campaign=campaign) is None
    contact.refresh_from_db()
    assert contact.status == "waiting"


def test_outcomes_retry_after_the_campaigns_delay_until_attempts_run_out(world):
    campaign = _campaign(world, max_attempts=2, retry_after_minutes={"no_answer": 90})
    customer = customer_with_phone(world.program_a, "+14155550100")
    contact = _contact(campaign, customer)
    held = campaign_next(actor=world.agent, campaign=campaign)
    before = timezone.now()
    contact = contact_outcome(actor=world.agent, contact=held, outcome="no_answer")
    assert (contact.status, contact.attempts, contact.assigned_to) == ("waiting", 1, None)
    assert before + timedelta(minutes=89) < contact.next_attempt_at < before + timedelta(minutes=91)
    assert campaign_next(actor=world.agent, campaign=campaign) is None  # not due yet
    CampaignContact.objects.filter(pk=contact.pk).update(next_attempt_at=timezone.now())
    held = campaign_next(actor=world.agent, campaign=campaign)
    with pytest.raises(NotAllowed):
        contact_outcome(actor=world.supervisor, contact=held, outcome="busy")  # not the supervisor's contact
    assert contact_outcome(actor=world.agent, contact=held, outcome="busy").status == "exhausted"
    assert list(Attempt.objects.values_list("outcome", flat=True)) == ["no_answer", "busy"]


def test_a_customer_who_asks_not_to_be_called_goes_on_the_list(world):
    campaign = _campaign(world)
    customer = customer_with_phone(world.program_a, "+14155550100")
    _contact(campaign, customer)
    held = campaign_next(actor=world.agent, campaign=campaign)
    assert contact_outcome(actor=world.agent, contact=held, outcome="do_not_call").status == "done"
    assert DoNotCallEntry.objects.filter(program=world.program_a, number="+14155550100", source="customer").exists()


def test_a_paused_campaign_hands_out_nobody(world):
    campaign = _campaign(world)
    campaign = campaign_set_status(actor=world.supervisor, campaign=campaign, status="paused")
    with pytest.raises(CampaignNotRunning):
        campaign_next(actor=world.agent, campaign=campaign)
    with pytest.raises(ValidationError):
        campaign_create(
            actor=world.supervisor, program=world.program_a, name="Bad", windows={"mon": ["18:00", "09:00"]}
        )


@pytest.mark.django_db(transaction=True)
def test_twenty_agents_at_once_never_get_the_same_contact_and_none_is_lost(world):
    campaign = _campaign(world)
    customers = Customer.objects.bulk_create(
        Customer(program=world.program_a, name=f"Contact {n}", time_zone="America/New_York") for n in range(5000)
    )
    CampaignContact.objects.bulk_create(
        CampaignContact(campaign=campaign, customer=c, phone=f"+1212555{n:04d}", next_attempt_at=timezone.now())
        for n, c in enumerate(customers)
    )
    agents = [make_user(Role.AGENT, team=world.team_a, username=f"caller{n}") for n in range(20)]
    handed: list[list[int]] = [[] for _ in agents]
    failures: list[BaseException] = []
    start = threading.Barrier(len(agents))

    def work(index: int) -> None:
        try:
            start.wait()
            while (contact := campaign_next(actor=agents[index], campaign=campaign)) is not None:
                handed[index].append(contact.pk)
                contact_outcome(actor=agents[index], contact=contact, outcome="success")
        except BaseException as exc:  # noqa: BLE001 (reported below)
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(agents))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    every = [pk for mine in handed for pk in mine]
    assert len(every) == len(set(every)) == 5000  # never twice, none lost
    assert sum(1 for mine in handed if mine) > 1  # the work was shared
    assert CampaignContact.objects.filter(campaign=campaign, status="done", attempts=1).count() == 5000
    assert Attempt.objects.filter(campaign=campaign).count() == 5000


def test_the_api_runs_a_campaign_end_to_end(world):
    api = APIClient()
    api.force_authenticate(world.supervisor)
    created = api.post(
        "/api/v1/campaigns/",
        {"program": world.program_a.pk, "name": "Welcome calls", "calling_window": {"mon": ["09:00", "18:00"]},
         "max_attempts": 4, "requires_consent": False},
        format="json",
    )  # fmt: skip
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    bad = api.post(f"/api/v1/campaigns/{pk}/contacts/", {"contacts": [{"name": "A", "phone": "nope"}]}, format="json")
    assert bad.status_code == 400
    assert bad.json()["details"] == {"contacts[1]": ["phone: 'nope' is not a phone number"]}
    loaded = api.post(
        f"/api/v1/campaigns/{pk}/contacts/", {"contacts": [{"name": "A", "phone": "+14155550100"}]}, format="json"
    )
    assert loaded.json() == {"added": 1, "matched": 0, "merged": 0}
    assert (
        api.patch(f"/api/v1/campaigns/{pk}/", {"status": "running", "calling_window": {}}, format="json").json()[
            "status"
        ]
        == "running"
    )
    agent = APIClient()
    agent.force_authenticate(world.agent)
    contact = agent.post(f"/api/v1/campaigns/{pk}/next/").json()
    assert contact["phone"] == "+14155550100"
    assert contact["assigned_to"] == "agent"
    done = agent.post(
        f"/api/v1/campaigns/{pk}/outcome/", {"contact": contact["id"], "outcome": "success"}, format="json"
    )
    assert done.json()["status"] == "done"
    assert agent.post(f"/api/v1/campaigns/{pk}/next/").status_code == 204
    progress = api.get(f"/api/v1/campaigns/{pk}/").json()["progress"]
    assert (progress["contacts"], progress["attempts"], progress["reached_rate"]) == (1, 1, 1.0)
    assert progress["agents"] == [{"agent": "agent", "attempts": 1, "reached": 1}]
    other = APIClient()
    other.force_authenticate(world.agent_b)
    assert other.post(f"/api/v1/campaigns/{pk}/next/").status_code == 404


def test_an_agent_works_the_campaign_from_its_page(world, client):
    campaign = _campaign(world)
    _contact(campaign, customer_with_phone(world.program_a, "+14155550100", name="Maria Garcia"))
    client.force_login(world.agent)
    assert "Next contact" in client.get(f"/campaigns/{campaign.pk}/work/").content.decode()
    page = client.get(client.post(f"/campaigns/{campaign.pk}/work/")["Location"]).content.decode()
    assert "Maria Garcia" in page
    assert "+14155550100" in page
    client.post(f"/campaigns/{campaign.pk}/outcome/", {"outcome": "refused", "note": "Happy with the old plan"})
    assert CampaignContact.objects.get().status == "done"
    assert Attempt.objects.get().note == "Happy with the old plan"


def test_a_supervisor_sets_a_campaign_up_on_its_page(world, client):
    client.force_login(world.supervisor)
    form = {
        "program": world.program_a.pk, "name": "Winter offer", "max_attempts": 2, "mon_start": "09:00",
        "mon_end": "12:00", "sat_start": "10:00", "sat_end": "", "holidays": "2026-12-24, nope", "retry_busy": 15,
    }  # fmt: skip
    page = client.post("/campaigns/new/", form)
    assert page.status_code == 400
    html = page.content.decode()
    assert "Give both times for Saturday, or neither." in html
    assert "&#x27;nope&#x27; is not a date (YYYY-MM-DD)." in html
    form |= {"sat_end": "14:00", "holidays": "2026-12-24"}
    created = client.post("/campaigns/new/", form)
    campaign = world.program_a.campaigns.get()
    assert created["Location"] == f"/campaigns/{campaign.pk}/"
    assert (campaign.status, campaign.max_attempts) == ("draft", 2)
    assert campaign.windows == {"mon": ["09:00", "12:00"], "sat": ["10:00", "14:00"]}
    assert [d.isoformat() for d in campaign.holidays] == ["2026-12-24"]
    assert campaign.retry_after_minutes == {"busy": 15}
    client.force_login(world.agent)
    assert client.get("/campaigns/new/").status_code == 403

"""Customer merge: a duplicate folds into a survivor with everything it had; its old id says where it went."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from agents.models import AuditEvent
from approvals.services import approval_request
from config.errors import DomainError, NotAllowed
from crm.models import Call, ConsentRecord, Customer, CustomerAccess, CustomerEmail, CustomerPhone, DataRequest, Note
from crm.services.merge import customer_merge, merge_map
from crm.services.outbound import consent_record
from crm.tests.factories import (
    CallFactory,
    CustomerEmailFactory,
    CustomerPhoneFactory,
    NoteFactory,
    customer_with_phone,
)
from outbound.models import Attempt, Campaign, CampaignContact
from quality.models import Survey, SurveyOptOut
from quality.tests.factories import survey_answer
from tickets.models import Comment, FollowUp, Ticket
from tickets.services.follow_ups import follow_up_schedule
from tickets.services.tickets import ticket_comment_add, ticket_create

pytestmark = pytest.mark.django_db


def test_every_model_pointing_at_customers_is_in_the_merge_map():
    """The merge moves what the privacy registry maps; a new model pointing at customers must be mapped."""
    mapped = {(model, field) for model, field in merge_map()}
    pointing = {
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is Customer and model is not Customer
    }
    assert pointing - mapped == set(), "add these to their app's privacy.py with customer=<field>"


@pytest.fixture
def pair(world):
    survivor = customer_with_phone(world.program_a, "+14155550100", name="Ana Lopez", tags=["wholesale"])
    duplicate = customer_with_phone(
        world.program_a, "+14155550100", name="Ana López", tags=["catering"],
        time_zone="America/Chicago",
    )  # fmt: skip
    CustomerPhoneFactory(customer=duplicate, number="+14155550177", label="mobile", is_primary=False)
    CustomerEmailFactory(customer=duplicate, address="ana@example.com", is_primary=True)
    return survivor, duplicate


def _everything_of(world, duplicate):
    """One record of every kind that points at a customer, all on ``duplicate``."""
    NoteFactory(customer=duplicate, body="Prefers mornings")
    call = CallFactory(program=world.program_a, customer=duplicate, agent=world.agent)
    ticket = ticket_create(actor=world.agent, program=world.program_a, subject="Late cake", customer=duplicate)
    ticket_comment_add(actor=world.agent, ticket=ticket, body="Called back")
    follow_up_schedule(actor=world.agent, customer=duplicate, due_at=timezone.now() + timedelta(hours=3))
    approval_request(
        actor=world.agent, kind="refund", reason="Late", customer=duplicate, amount=Decimal("5.00"), currency="USD"
    )
    consent_record(actor=world.agent, customer=duplicate, purpose="outbound_calls", granted=True, channel="phone",
                   source="call")  # fmt: skip
    survey_answer(call, 5)
    SurveyOptOut.objects.create(customer=duplicate, source="email")
    DataRequest.objects.create(kind="export", customer=duplicate, due_at=timezone.now())
    CustomerAccess.objects.create(customer=duplicate, user=world.agent)
    return call, ticket


def test_a_duplicate_folds_into_the_survivor_with_everything_it_had(world, pair):
    survivor, duplicate = pair
    call, ticket = _everything_of(world, duplicate)
    # Both are on the same campaign's list: one contact stays, with both attempt logs.
    campaign = Campaign.objects.create(program=world.program_a, name="Renewals", created_by=world.supervisor)
    kept = CampaignContact.objects.create(campaign=campaign, customer=survivor, phone="+14155550100")
    folded = CampaignContact.objects.create(campaign=campaign, customer=duplicate, phone="+14155550177")
    Attempt.objects.create(contact=kept, campaign=campaign, agent=world.agent, outcome="no_answer")
    Attempt.objects.create(contact=folded, campaign=campaign, agent=world.agent, outcome="busy")
    SurveyOptOut.objects.create(customer=survivor, source="web")
    Customer.objects.filter(pk=duplicate.pk).update(do_not_call=True)  # asked after the callback was set
    duplicate.refresh_from_db()

    moved = customer_merge(actor=world.supervisor, survivor=survivor, duplicate=duplicate)

    for model, field in merge_map():
        if model is not CustomerPhone:
            assert not model._default_manager.filter(**{field: duplicate}).exists(), model._meta.label
    assert Note.objects.get(customer=survivor).body == "Prefers mornings"
    assert Call.objects.get(pk=call.pk).customer == survivor
    assert Ticket.objects.get(pk=ticket.pk).customer == survivor
    assert Comment.objects.filter(ticket__customer=survivor).count() == 1  # follows its ticket
    assert FollowUp.objects.get().customer == survivor
    assert ConsentRecord.objects.get().customer == survivor  # the ledger follows the person
    assert Survey.objects.get().customer == survivor
    assert SurveyOptOut.objects.get().customer == survivor  # one opt-out, not two
    assert DataRequest.objects.get().customer == survivor
    assert CustomerAccess.objects.filter(customer=survivor).count() == 1
    assert CampaignContact.objects.get(campaign=campaign).pk == kept.pk
    assert sorted(Attempt.objects.filter(contact=kept).values_list("outcome", flat=True)) == ["busy", "no_answer"]
    # Numbers and addresses combined, the same number once, the survivor's primary kept.
    phones = list(CustomerPhone.objects.filter(customer=survivor).values_list("number", "is_primary"))
    assert sorted(phones) == [("+14155550100", True), ("+14155550177", False)]
    assert list(CustomerEmail.objects.filter(customer=survivor).values_list("address", flat=True)) == [
        "ana@example.com"
    ]
    survivor.refresh_from_db()
    assert survivor.tags == ["catering", "wholesale"]
    assert survivor.do_not_call is True  # either asked: nobody calls
    assert survivor.time_zone == "America/New_York"  # the survivor keeps its own details
    duplicate.refresh_from_db()
    assert duplicate.merged_into == survivor
    assert duplicate.name == f"Merged into customer {survivor.pk}"
    assert moved["crm.Call"] == 1
    assert moved["tickets.Ticket"] == 1
    event = AuditEvent.objects.get(action="customer.merge")
    assert event.data["duplicate"] == duplicate.pk
    assert event.actor_label == world.supervisor.username


def test_merges_that_must_not_happen_are_refused_and_change_nothing(world, pair):
    survivor, duplicate = pair
    elsewhere = customer_with_phone(world.program_b, "+442071838000")
    with pytest.raises(NotAllowed):
        customer_merge(actor=world.agent, survivor=survivor, duplicate=duplicate)
    with pytest.raises(ValidationError, match="different programs"):
        customer_merge(actor=world.admin, survivor=survivor, duplicate=elsewhere)
    with pytest.raises(ValidationError, match="itself"):
        customer_merge(actor=world.supervisor, survivor=survivor, duplicate=survivor)
    Customer.objects.filter(pk=duplicate.pk).update(legal_hold=True)
    duplicate.refresh_from_db()
    with pytest.raises(DomainError, match="legal hold"):
        customer_merge(actor=world.supervisor, survivor=survivor, duplicate=duplicate)
    assert CustomerPhone.objects.filter(customer=duplicate).count() == 2
    assert Customer.objects.get(pk=duplicate.pk).merged_into is None


def test_the_consent_ledger_still_refuses_being_moved_outside_a_merge(world, pair):
    survivor, duplicate = pair
    consent_record(actor=world.agent, customer=duplicate, purpose="outbound_calls", granted=True, channel="phone",
                   source="call")  # fmt: skip
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        ConsentRecord.objects.filter(customer=duplicate).update(customer=survivor)


def test_supervisors_merge_from_the_customer_page_and_the_old_link_follows(client, world, pair):
    survivor, duplicate = pair
    client.force_login(world.agent)
    page = client.get(reverse("crm:customer_detail", args=[survivor.pk])).content.decode()
    assert 'data-panel="duplicates"' not in page  # agents do not merge
    client.force_login(world.supervisor)
    page = client.get(reverse("crm:customer_detail", args=[survivor.pk])).content.decode()
    assert f'data-duplicate="{duplicate.pk}"' in page  # shares a number
    response = client.post(reverse("crm:customer_merge", args=[survivor.pk]), {"duplicate": duplicate.pk})
    assert response.status_code == 302
    followed = client.get(reverse("crm:customer_detail", args=[duplicate.pk]), follow=True)
    assert followed.redirect_chain[-1][0] == reverse("crm:customer_detail", args=[survivor.pk])
    assert f"Customer #{duplicate.pk} was merged into this record." in followed.content.decode()
    refused = client.post(reverse("crm:customer_merge", args=[survivor.pk]), {"duplicate": "999999"})
    assert refused.status_code in (302, 400, 422)
    assert Customer.objects.filter(merged_into=survivor).count() == 1


def test_the_api_merges_answers_301_for_the_old_id_and_logs_every_read(world, pair):
    survivor, duplicate = pair
    api = APIClient()
    api.force_authenticate(world.agent)
    refused = api.post(f"/api/v1/customers/{survivor.pk}/merge/", {"duplicate": duplicate.pk}, format="json")
    assert refused.status_code == 403
    api.force_authenticate(world.supervisor)
    response = api.post(f"/api/v1/customers/{survivor.pk}/merge/", {"duplicate": "x"}, format="json")
    assert response.status_code == 400
    assert "duplicate" in response.json()["details"]
    response = api.post(f"/api/v1/customers/{survivor.pk}/merge/", {"duplicate": duplicate.pk}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert sorted(p["number"] for p in body["customer"]["phones"]) == ["+14155550100", "+14155550177"]
    assert body["moved"]["crm.CustomerPhone"] == 1
    gone = api.get(f"/api/v1/customers/{duplicate.pk}/")
    assert gone.status_code == 301
    assert gone["Location"] == f"/api/v1/customers/{survivor.pk}/"
    assert gone.json()["merged_into"] == survivor.pk
    # Every API read of a customer is in the access log, as a page view is.
    CustomerAccess.objects.all().delete()
    api.get(f"/api/v1/customers/{survivor.pk}/")
    api.get("/api/v1/customers/")
    api.get("/api/v1/customers/", {"q": "Ana"})
    api.post("/api/v1/customers/lookup/", {"phone": "415 555 0100"}, format="json")
    api.get(f"/api/v1/customers/{survivor.pk}/timeline/")
    reads = list(CustomerAccess.objects.filter(user=world.supervisor).values_list("customer_id", "via"))
    assert reads == [(survivor.pk, "api")] * 5
    # A conditional update opens the record once, however often the view reads it.
    etag = api.get(f"/api/v1/customers/{survivor.pk}/")["ETag"]
    CustomerAccess.objects.all().delete()
    assert api.patch(f"/api/v1/customers/{survivor.pk}/", {"vip": True}, format="json",
                     HTTP_IF_MATCH=etag).status_code == 200  # fmt: skip
    assert CustomerAccess.objects.count() == 1

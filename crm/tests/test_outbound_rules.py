"""Invariant 12: no outbound call to a number on a do-not-call list, outside the customer's calling hours, or
without consent where it is required; checked on every path, each refusal naming its rule and audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from agents.models import AuditEvent
from config.hours import Window, parse_windows
from crm.models import Call, CallingHours, ConsentRecord, DoNotCallEntry
from crm.services.erasure import customer_erase, customer_export
from crm.services.live_calls import call_event_record
from crm.services.outbound import OutboundRefused, consent_record, customer_do_not_call, outbound_refusal
from crm.tests.factories import customer_with_phone
from tickets.services.follow_ups import follow_up_schedule

pytestmark = pytest.mark.django_db
WEEKDAY_HOURS = {day: ["09:00", "20:00"] for day in ("mon", "tue", "wed", "thu", "fri")}
# Wednesday 4 November 2026, 15:00 UTC: 10:00 in New York, 07:00 in Los Angeles.
WEDNESDAY = datetime(2026, 11, 4, 15, 0, tzinfo=UTC)


def _hours(program, windows=None, holidays=()):
    CallingHours.objects.update_or_create(
        program=program, defaults={"windows": windows or WEEKDAY_HOURS, "holidays": list(holidays)}
    )


def _rule(world, customer, *, at=WEDNESDAY, number="", **kwargs) -> str | None:
    refusal = outbound_refusal(program=world.program_a, customer=customer, number=number, at=at, **kwargs)
    return refusal.code if refusal is not None else None


def test_calling_hours_are_read_in_the_customers_zone(world):
    _hours(world.program_a)
    new_york = customer_with_phone(world.program_a, "+12125550100", time_zone="America/New_York")
    assert _rule(world, new_york, number="+12125550100") is None  # 10:00 there
    assert _rule(world, new_york, at=WEDNESDAY + timedelta(hours=10)) == "calling_window"  # 20:00 there
    assert _rule(world, new_york, at=WEDNESDAY + timedelta(days=3)) == "calling_window"  # a Saturday


def test_without_a_zone_the_numbers_region_says_where_the_customer_is(world):
    _hours(world.program_a)
    # No zone of its own (the default UTC): a San Francisco number is in Los Angeles time, 07:00 then.
    caller = customer_with_phone(world.program_a, "+14155550100", time_zone="UTC")
    assert _rule(world, caller, number="+14155550100") == "calling_window"
    assert _rule(world, caller, number="+14155550100", at=WEDNESDAY + timedelta(hours=3)) is None  # 10:00


def test_a_holiday_has_no_calling_hours(world):
    _hours(world.program_a, holidays=[WEDNESDAY.date()])
    customer = customer_with_phone(world.program_a, "+12125550100", time_zone="America/New_York")
    assert _rule(world, customer) == "calling_window"


def test_without_hours_of_its_own_a_program_calls_from_8_to_21_local(world):
    CallingHours.objects.filter(program=world.program_a).delete()
    customer = customer_with_phone(world.program_a, "+12125550100", time_zone="America/New_York")
    assert _rule(world, customer, at=datetime(2026, 11, 8, 12, 59, tzinfo=UTC)) == "calling_window"  # Sun 07:59
    assert _rule(world, customer, at=datetime(2026, 11, 8, 13, 0, tzinfo=UTC)) is None  # Sunday 08:00
    assert _rule(world, customer, at=datetime(2026, 11, 9, 2, 0, tzinfo=UTC)) == "calling_window"  # 21:00


def test_a_campaign_window_narrows_the_programs_hours(world):
    customer = customer_with_phone(world.program_a, "+12125550100", time_zone="America/New_York")
    mornings = Window(parse_windows({"wed": ["09:00", "12:00"]}))
    assert _rule(world, customer, window=mornings) is None
    assert _rule(world, customer, window=mornings, at=WEDNESDAY + timedelta(hours=3)) == "calling_window"


def test_do_not_call_lists_of_the_program_and_the_shared_one(world):
    customer = customer_with_phone(world.program_a, "+14155550100")
    assert _rule(world, customer, number="+14155550100") is None
    DoNotCallEntry.objects.create(program=world.program_b, number="+14155550100", source="client")
    assert _rule(world, customer, number="+14155550100") is None  # another program's list is not ours
    shared = DoNotCallEntry.objects.create(program=None, number="+14155550100", source="registry")
    assert _rule(world, customer, number="+14155550100") == "do_not_call"
    shared.delete()
    DoNotCallEntry.objects.create(program=world.program_a, number="+14155550100", source="client")
    assert _rule(world, customer, number="+14155550100") == "do_not_call"


def test_one_click_puts_every_number_of_the_customer_on_the_list_at_once(world):
    customer = customer_with_phone(world.program_a, "+14155550100")
    customer.phones.create(number="+14155550199", label="work")
    assert customer_do_not_call(actor=world.agent, customer=customer) == 2
    assert set(DoNotCallEntry.objects.values_list("program", "number", "source")) == {
        (world.program_a.pk, "+14155550100", "customer"),
        (world.program_a.pk, "+14155550199", "customer"),
    }
    api = APIClient()
    api.force_authenticate(world.agent)
    refused = api.post("/api/v1/calls/", {"direction": "outbound", "phone_number": "+14155550199"}, format="json")
    assert refused.status_code == 422
    assert refused.json()["code"] == "do_not_call"
    assert AuditEvent.objects.filter(action="outbound.refused", data__rule="do_not_call", data__path="manual").exists()


def test_consent_is_the_latest_record_of_an_append_only_ledger(world):
    customer = customer_with_phone(world.program_a, "+14155550100")
    assert _rule(world, customer, requires_consent=True) == "consent"
    kwargs = {"actor": world.agent, "customer": customer, "purpose": "outbound_calls", "channel": "phone"}
    consent_record(**kwargs, granted=True, source="Welcome call", at=WEDNESDAY - timedelta(days=9))
    assert _rule(world, customer, requires_consent=True) is None
    withdrawn = consent_record(**kwargs, granted=False, source="Asked on a call", at=WEDNESDAY - timedelta(days=1))
    assert _rule(world, customer, requires_consent=True) == "consent"
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        ConsentRecord.objects.filter(pk=withdrawn.pk).update(granted=True)
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        ConsentRecord.objects.filter(pk=withdrawn.pk).delete()


def test_erasure_keeps_the_proof_without_the_personal_data(world):
    customer = customer_with_phone(world.program_a, "+14155550100", name="Maria Garcia")
    consent_record(
        actor=world.agent, customer=customer, purpose="marketing", granted=True, channel="web",
        source="Newsletter form", note="Maria asked by phone +14155550100",
    )  # fmt: skip
    customer.refresh_from_db()
    assert customer.marketing_consent is True  # the flag follows the ledger
    [exported] = customer_export(customer=customer)["records"]["crm.ConsentRecord"]
    assert (exported["purpose"], exported["granted"], exported["source"]) == ("marketing", True, "Newsletter form")
    customer_erase(customer=customer)
    record = ConsentRecord.objects.get()
    assert (record.purpose, record.granted, record.channel, record.source) == (
        "marketing",
        True,
        "web",
        "Newsletter form",
    )
    assert record.recorded_by_label == "agent"
    assert record.note == "[erased]"


def test_a_callback_outside_the_hours_is_refused_naming_its_time(world):
    _hours(world.program_a)
    customer = customer_with_phone(world.program_a, "+12125550100", time_zone="America/New_York")
    today = timezone.localdate()
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    eleven = datetime(saturday.year, saturday.month, saturday.day, 11, 0)  # naive: the customer's time
    with pytest.raises(OutboundRefused) as refused:
        follow_up_schedule(actor=world.agent, customer=customer, due_at=eleven)
    assert (refused.value.code, refused.value.field) == ("calling_window", "due_at")
    assert "no calls on Saturdays" in refused.value.message


def test_the_call_bar_refuses_on_a_holiday_and_nothing_is_stored(world, client):
    today = timezone.now().astimezone(UTC).date()
    _hours(world.program_a, windows={day: ["00:00", "24:00"] for day in WEEKDAY_HOURS}, holidays=[
        today - timedelta(days=1), today, today + timedelta(days=1),
    ])  # fmt: skip
    customer = customer_with_phone(world.program_a, "+12125550100", time_zone="America/New_York")
    client.force_login(world.agent)
    response = client.post(
        f"/customers/{customer.pk}/calls/start/", {"direction": "outbound"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert "calling hours" in response.content.decode()
    assert not Call.objects.exists()


def test_telephony_reporting_a_forbidden_call_is_recorded_and_audited(world):
    customer = customer_with_phone(world.program_a, "+14155550100", do_not_call=True)
    call, created = call_event_record(
        actor=world.integrator, external_id="dialer-1", event="ring", at=timezone.now(), direction="outbound",
        phone_number="+14155550100",
    )  # fmt: skip
    assert created
    assert call.customer == customer
    assert AuditEvent.objects.filter(action="outbound.violation", data__rule="do_not_call").exists()

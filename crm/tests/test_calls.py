"""The call log: started and finished by the agent, upserted by telephony, redacted, do-not-call respected."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from crm.models import Call, Disposition
from crm.services.calls import DoNotCall, call_log_create, call_log_finish, call_log_start, call_upsert
from crm.tests.factories import customer_with_phone

pytestmark = pytest.mark.django_db
CARD = "4111 1111 1111 1111"


def test_outbound_call_to_do_not_call_customer_is_refused(world):
    customer = customer_with_phone(world.program_a, do_not_call=True)
    with pytest.raises(DoNotCall, match="do-not-call"):
        call_log_create(actor=world.agent, program=world.program_a, direction="outbound", customer=customer)
    assert not Call.objects.exists()
    inbound = call_log_create(actor=world.agent, program=world.program_a, direction="inbound", customer=customer)
    assert inbound.pk


def test_start_then_finish_stores_outcome_durations_and_redacted_notes(world):
    customer = customer_with_phone(world.program_a)
    call = call_log_start(actor=world.agent, customer=customer, direction="inbound", phone_number="415 555 0100")
    assert call.agent == world.agent
    assert call.phone_number == "+14155550100"
    call_log_finish(
        actor=world.agent,
        call=call,
        disposition=Disposition.RESOLVED,
        notes=f"Card {CARD} exp 12/27 cvv 123 given by customer",
        ended_at=call.started_at + timedelta(minutes=3),
    )
    call.refresh_from_db()
    assert call.talk_seconds == 180
    assert "4111 1111 1111 1111" not in call.notes
    assert "1111" in call.notes
    assert "123" not in call.notes


def test_upsert_by_external_id_is_idempotent(world):
    now = timezone.now()
    first, created = call_upsert(
        actor=world.integrator, program=world.program_a, external_id="cti-1", direction="inbound", started_at=now
    )
    again, created_again = call_upsert(
        actor=world.integrator, program=world.program_a, external_id="cti-1", direction="inbound", started_at=now
    )
    assert created
    assert not created_again
    assert first.pk == again.pk
    call_upsert(
        actor=world.integrator,
        program=world.program_a,
        external_id="cti-1",
        answered_at=now,
        ended_at=now + timedelta(seconds=95),
    )
    assert Call.objects.count() == 1
    assert Call.objects.get().talk_seconds == 95


def test_web_call_flow_from_the_customer_page(client, world):
    customer = customer_with_phone(world.program_a)
    client.force_login(world.agent)
    response = client.post(
        reverse("crm:call_start", args=[customer.pk]), {"direction": "inbound", "phone_number": "+14155550100"}
    )
    assert response.status_code == 200
    call = Call.objects.get()
    response = client.post(
        reverse("crm:call_finish", args=[call.pk]),
        {"disposition": "resolved", "notes": f"Paid with {CARD}", "first_contact_resolution": "on"},
    )
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.ended_at is not None
    assert call.first_contact_resolution
    assert CARD not in call.notes


def test_finishing_without_outcome_keeps_the_notes_and_names_the_field(client, world):
    customer = customer_with_phone(world.program_a)
    client.force_login(world.agent)
    client.post(reverse("crm:call_start", args=[customer.pk]), {"direction": "inbound"})
    call = Call.objects.get()
    response = client.post(reverse("crm:call_finish", args=[call.pk]), {"disposition": "", "notes": "Long story"})
    page = response.content.decode()
    assert "Long story" in page
    assert "This field is required" in page


def test_outbound_dnc_from_the_page_shows_a_message(client, world):
    customer = customer_with_phone(world.program_a, do_not_call=True)
    client.force_login(world.agent)
    response = client.post(
        reverse("crm:call_start", args=[customer.pk]), {"direction": "outbound"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert "do-not-call" in response.content.decode()

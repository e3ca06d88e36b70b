"""The call log: logged after the fact or upserted by telephony; do-not-call respected (live calls: test_live_calls)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from agents.permissions import remember_served_programs
from config.errors import database_refusal
from crm.models import Call
from crm.services.calls import call_log_create, call_upsert
from crm.services.outbound import OutboundRefused
from crm.tests.factories import customer_with_phone

pytestmark = pytest.mark.django_db
CARD = "4111 1111 1111 1111"


def test_outbound_call_to_do_not_call_customer_is_refused(world):
    customer = customer_with_phone(world.program_a, do_not_call=True)
    with pytest.raises(OutboundRefused, match="do-not-call"):
        call_log_create(actor=world.agent, program=world.program_a, direction="outbound", customer=customer)
    assert not Call.objects.exists()
    inbound = call_log_create(actor=world.agent, program=world.program_a, direction="inbound", customer=customer)
    assert inbound.pk


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


def test_a_new_call_the_database_refuses_is_not_taken_for_a_retry_that_raced(world):
    """Only an existing call with that external id means another delivery won the race: any other refusal
    stands, naming its field (the API answers 400), instead of a lookup for a call that is not there (a 500)."""
    agent = world.agent_b  # serves program B only; this copy believes it serves A too (a stale cache)
    remember_served_programs(agent, [[world.program_b.pk, "GB"], [world.program_a.pk, "US"]])
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        call_upsert(
            actor=world.integrator, program=world.program_a, external_id="cti-9", direction="inbound", agent=agent
        )
    assert database_refusal(refused.value).message_dict == {
        "agent": ["This agent belongs to another program (or breaks a rule)."]
    }
    assert not Call.objects.filter(external_id="cti-9").exists()


def test_outbound_dnc_from_the_page_shows_a_message(client, world):
    customer = customer_with_phone(world.program_a, do_not_call=True)
    client.force_login(world.agent)
    response = client.post(
        reverse("crm:call_start", args=[customer.pk]), {"direction": "outbound"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert "do-not-call" in response.content.decode()

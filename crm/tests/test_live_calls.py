"""The live call: telephony events drive a call through its states; durations and the agent's state follow.

Every expected figure below is computed by hand from the event times in the test.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from rest_framework.test import APIClient

from agents.models import AgentState, AgentStateSpan
from agents.services import StateRefused, agent_state_set
from crm.models import Call, CallEvent, WrapUpCode
from crm.services.live_calls import (
    call_answer,
    call_event_apply,
    call_event_record,
    call_step,
    call_wrap_up,
)
from crm.tests.factories import customer_with_phone

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC)


def at(seconds: int) -> datetime:
    return T0 + timedelta(seconds=seconds)


def state_of(user) -> str:
    span = AgentStateSpan.objects.filter(user=user, ended_at__isnull=True).first()
    return span.state if span else "offline"


# queue 0, ring 12, answer 20, hold 60-90, transfer 100 (to agent 2), hold 150 until the end at 200,
# wrap-up done 230: wait 20, hold 30 + 50 = 80, talk 200 - 20 - 80 = 100, wrap-up 30.
FULL_CALL = [
    ("queue", 0, None),
    ("ring", 12, "agent"),
    ("answer", 20, "agent"),
    ("hold", 60, None),
    ("resume", 90, None),
    ("transfer", 100, "supervisor"),
    ("hold", 150, None),
    ("end", 200, None),
    ("wrap_up_done", 230, None),
]


def _post_all(world, events, external_id="pbx-1"):
    call = None
    for event, seconds, who in events:
        agent = getattr(world, who) if who else None
        call, _ = call_event_record(
            actor=world.integrator,
            external_id=external_id,
            event=event,
            at=at(seconds),
            agent=agent,
            phone_number="+14155550100",
        )
    assert call is not None
    call.refresh_from_db()
    return call


def test_a_full_call_is_replayed_from_its_events(world):
    customer = customer_with_phone(world.program_a, "+14155550100")
    states = []
    call = None
    for event, seconds, who in FULL_CALL:
        call, _ = call_event_record(
            actor=world.integrator,
            external_id="pbx-1",
            event=event,
            at=at(seconds),
            agent=getattr(world, who) if who else None,
            phone_number="(415) 555-0100",
        )
        states.append(call.state)
    assert states == [
        "ringing",
        "ringing",
        "connected",
        "on_hold",
        "connected",
        "connected",
        "on_hold",
        "wrap_up",  # ended: the agent still works on it until wrap-up is done
        "completed",
    ]
    call.refresh_from_db()
    assert call.customer == customer  # the only customer with this number is the caller
    assert call.queued_at == at(0)
    assert call.answered_at == at(20)
    assert call.ended_at == at(200)
    assert (call.wait_seconds, call.hold_seconds, call.talk_seconds, call.wrap_up_seconds) == (20, 80, 100, 30)
    assert call.transferred
    assert call.agent == world.supervisor  # the call follows the transfer
    assert call.state == "completed"


def test_states_step_by_step(world):
    call = _post_all(world, FULL_CALL[:3])
    assert call.state == "connected"
    assert state_of(world.agent) == AgentState.ON_CALL
    call = _post_all(world, FULL_CALL[3:4])
    assert call.state == "on_hold"
    call = _post_all(world, FULL_CALL[4:8])
    # Ended, not yet wrapped up: the agent who has the call (after the transfer) is in wrap-up.
    assert call.state == "wrap_up"
    assert state_of(world.supervisor) == AgentState.WRAP_UP
    assert state_of(world.agent) == AgentState.AVAILABLE  # transferred away: free again
    call = _post_all(world, FULL_CALL[8:])
    assert call.state == "completed"
    assert state_of(world.supervisor) == AgentState.AVAILABLE


def test_events_in_any_order_and_repeated_give_the_same_call(world):
    expected = _post_all(world, FULL_CALL, external_id="in-order")
    shuffled = FULL_CALL * 2
    random.Random(7).shuffle(shuffled)
    again = _post_all(world, shuffled, external_id="shuffled")
    fields = ["queued_at", "answered_at", "ended_at", "wait_seconds", "talk_seconds", "hold_seconds"]
    fields += ["wrap_up_seconds", "transferred", "state", "agent_id"]
    assert {f: getattr(again, f) for f in fields} == {f: getattr(expected, f) for f in fields}
    assert CallEvent.objects.filter(call=again).count() == len(FULL_CALL)  # each event stored once


def test_the_database_refuses_a_second_copy_of_an_event(world):
    call = _post_all(world, FULL_CALL[:1])
    with pytest.raises(IntegrityError), transaction.atomic():
        CallEvent.objects.create(call=call, event="queue", at=at(0))


def test_abandoned_before_answer_and_missed(world):
    abandoned = _post_all(world, [("queue", 0, None), ("abandon", 45, None)], external_id="a")
    assert abandoned.state == "abandoned"
    assert abandoned.wait_seconds == 45  # how long the caller waited before giving up
    assert abandoned.talk_seconds == 0
    missed = _post_all(world, [("queue", 0, None), ("ring", 5, "agent"), ("end", 35, None)], external_id="m")
    assert missed.state == "missed"
    assert state_of(world.agent) == AgentState.AVAILABLE  # the ring made it busy; the miss frees it


def test_an_event_for_an_unknown_call_creates_it_and_several_matches_wait_for_the_agent(world):
    customer_with_phone(world.program_a, "+14155550111")
    customer_with_phone(world.program_a, "+14155550111")
    call, created = call_event_record(
        actor=world.integrator, external_id="x", event="ring", at=at(0), agent=world.agent, phone_number="4155550111"
    )
    assert created
    assert call.customer is None
    assert call.phone_number == "+14155550111"
    _, created_again = call_event_record(actor=world.integrator, external_id="x", event="ring", at=at(0))
    assert not created_again


def test_wrap_up_code_is_required_before_the_agent_is_available(world):
    code = WrapUpCode.objects.create(program=world.program_a, code="sale", label="Sale")
    other = WrapUpCode.objects.create(program=world.program_b, code="sale", label="Sale")
    customer = customer_with_phone(world.program_a)
    call = call_answer(actor=world.agent, customer=customer, direction="inbound")
    assert call.state == "connected"
    assert state_of(world.agent) == AgentState.ON_CALL
    with pytest.raises(StateRefused, match="still connected"):
        agent_state_set(actor=world.integrator, agent=world.agent, state="available")
    call = call_step(actor=world.agent, call=call, event="end")
    assert call.state == "wrap_up"
    with pytest.raises(StateRefused, match="wrap-up code"):
        agent_state_set(actor=world.agent, agent=world.agent, state="available")
    with pytest.raises(ValidationError) as missing:
        call_wrap_up(actor=world.agent, call=call, wrap_up_code=None, first_contact_resolution=True)
    assert "wrap_up_code" in missing.value.message_dict
    with pytest.raises(ValidationError) as foreign:
        call_wrap_up(actor=world.agent, call=call, wrap_up_code=other, first_contact_resolution=True)
    assert "wrap_up_code" in foreign.value.message_dict
    call = call_wrap_up(
        actor=world.agent, call=call, wrap_up_code=code, first_contact_resolution=True, notes="Card 4111 1111 1111 1111"
    )
    call.refresh_from_db()
    assert call.state == "completed"
    assert call.wrap_up_code == code
    assert "4111 1111 1111 1111" not in call.notes
    assert state_of(world.agent) == AgentState.AVAILABLE


def test_the_database_keeps_the_wrap_up_code_in_the_call_program(world):
    other = WrapUpCode.objects.create(program=world.program_b, code="x", label="X")
    call = call_answer(actor=world.agent, customer=customer_with_phone(world.program_a), direction="inbound")
    with pytest.raises(IntegrityError), transaction.atomic():
        Call.objects.filter(pk=call.pk).update(wrap_up_code=other)


def test_telephony_wrap_up_done_without_a_code_keeps_the_call_in_wrap_up(world):
    WrapUpCode.objects.create(program=world.program_a, code="sale", label="Sale")
    call = _post_all(
        world, [("ring", 0, "agent"), ("answer", 3, "agent"), ("end", 63, None), ("wrap_up_done", 93, None)]
    )
    assert call.state == "wrap_up"  # telephony's clock stopped; the agent still owes the code
    assert call.wrap_up_seconds == 30
    assert state_of(world.agent) == AgentState.WRAP_UP


def test_an_agent_of_another_program_is_refused_by_name(world):
    call = _post_all(world, FULL_CALL[:1])
    with pytest.raises(ValidationError) as refused:
        call_event_apply(actor=world.integrator, call=call, event="ring", at=at(3), agent=world.agent_b)
    assert "agent" in refused.value.message_dict


def test_the_events_api_is_idempotent_and_names_bad_fields(world):
    api = APIClient()
    api.force_authenticate(world.integrator)
    body = {"external_id": "pbx-9", "event": "ring", "at": "2026-03-02T09:00:00Z", "agent": "agent"}
    first = api.post("/api/v1/calls/events/", body, format="json")
    assert first.status_code == 201, first.json()
    assert first.json()["state"] == "ringing"
    again = api.post("/api/v1/calls/events/", body, format="json")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    answered = api.post("/api/v1/calls/events/", {**body, "event": "answer", "at": "2026-03-02T09:00:07Z"}, "json")
    assert answered.json()["state"] == "connected"
    assert answered.json()["wait_seconds"] == 7  # no queue event: the ring (the first event) starts the wait
    bad = api.post("/api/v1/calls/events/", {**body, "event": "explode", "at": "2026-03-02 09:00"}, format="json")
    assert bad.status_code == 400
    assert {"event", "at"} <= set(bad.json()["details"])
    unknown = api.post("/api/v1/calls/events/", {**body, "agent": "nobody"}, format="json")
    assert unknown.status_code == 400


def test_picking_the_caller_with_a_bad_id_is_a_404_not_a_crash(client, world):
    from django.urls import reverse

    customer_with_phone(world.program_a, "+14155550111")
    customer_with_phone(world.program_a, "+14155550111")
    call = call_answer(actor=world.agent, customer=None, direction="inbound", phone_number="+14155550111")
    client.force_login(world.agent)
    for value in ("abc", "", "1e9", "99999999999999999999"):
        response = client.post(reverse("crm:call_caller", args=[call.pk]), {"customer": value})
        assert response.status_code == 404, value
    call.refresh_from_db()
    assert call.customer is None

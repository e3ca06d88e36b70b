"""Calls shaped as telephony leaves them, for the metrics tests."""

from __future__ import annotations

from datetime import timedelta

from crm.models import Call, CallDirection, CallState
from crm.tests.factories import CustomerFactory


def inbound_call(
    program, *, at, agent=None, wait=0, talk=0, hold=0, wrap=0, answered=True, ended=True, **extra
) -> Call:
    customer = CustomerFactory(program=program)
    answered_at = at + timedelta(seconds=wait) if answered else None
    ended_at = (answered_at or at + timedelta(seconds=wait)) + timedelta(seconds=talk + hold) if ended else None
    state = extra.pop("state", CallState.COMPLETED if ended else CallState.CONNECTED)
    return Call.objects.create(
        program=program, customer=customer, agent=agent, direction=extra.pop("direction", CallDirection.INBOUND),
        started_at=at, queued_at=at, answered_at=answered_at, ended_at=ended_at, wait_seconds=wait,
        talk_seconds=talk, hold_seconds=hold, wrap_up_seconds=wrap, state=state, **extra,
    )  # fmt: skip

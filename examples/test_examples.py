"""The example clients run against a live server, using only the published API."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from approvals.models import ApprovalRequest
from crm.models import Call
from crm.tests.factories import customer_with_phone
from integrations.services.tokens import token_create
from tickets.models import Ticket

HERE = Path(__file__).resolve().parent


def _run(*args: str) -> str:
    result = subprocess.run([sys.executable, *args], cwd=HERE, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.django_db(transaction=True)
def test_telephony_walkthrough(live_server, world):
    customer = customer_with_phone(world.program_a, "+14155551000", name="Grace Hopper")
    _, token = token_create(user=world.integrator, name="cti")
    out = _run("telephony.py", live_server.url, token, "(415) 555-1000")
    assert "ring: Grace Hopper" in out
    call = Call.objects.get(customer=customer)
    assert call.talk_seconds == 240
    assert Ticket.objects.get(customer=customer).calls.get() == call


@pytest.mark.django_db(transaction=True)
def test_billing_walkthrough(live_server, world):
    customer = customer_with_phone(world.program_a)
    approval = ApprovalRequest.objects.create(
        kind="refund", amount=Decimal("25.00"), currency="USD", reason="late", program=world.program_a,
        customer=customer, requested_by=world.agent, status="self_approved",
    )  # fmt: skip
    _, token = token_create(user=world.integrator, name="billing")
    assert f"applied {approval.pk} 25.00 USD" in _run("billing.py", live_server.url, token)
    approval.refresh_from_db()
    assert approval.applied_at is not None
    assert _run("billing.py", live_server.url, token) == ""  # nothing left: running again is harmless

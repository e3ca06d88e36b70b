"""Invariant 10, relation by relation: nothing points across programs, whoever writes it.

Every relation named in DESIGN.md is tried three ways: through the API (by an admin, who serves
both programs, so visibility is not what stops it), through the service, and as raw SQL. Each
refusal names the field, and nothing is written.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from approvals.models import ApprovalRequest, AuthorityLimit
from approvals.services import approval_request
from crm.models import Call
from crm.services.calls import call_log_create
from crm.tests.factories import CallFactory, customer_with_phone
from tickets.models import FollowUp, Ticket
from tickets.services.follow_ups import follow_up_schedule
from tickets.services.tickets import ticket_create
from tickets.tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def both(world):
    """A record of every kind in program A, and the same kinds in program B."""
    AuthorityLimit.objects.create(role="agent", kind="refund", currency="USD", max_amount=Decimal(10))
    a_customer = customer_with_phone(world.program_a)
    b_customer = customer_with_phone(world.program_b, number="+442079460000")
    a_ticket = ticket_create(actor=world.admin, subject="A", customer=a_customer)
    b_ticket = ticket_create(actor=world.admin, subject="B", customer=b_customer)
    return {
        "world": world,
        "a_customer": a_customer,
        "b_customer": b_customer,
        "a_ticket": a_ticket,
        "b_ticket": b_ticket,
        "a_call": CallFactory(customer=a_customer),
        "b_call": CallFactory(customer=b_customer),
        "b_category": CategoryFactory(program=world.program_b),
        "a_follow_up": follow_up_schedule(
            actor=world.agent, ticket=a_ticket, due_at=timezone.now() + timedelta(hours=1)
        ),
        "a_approval": approval_request(
            actor=world.agent, kind="refund", amount=Decimal(99), currency="USD", reason="r", customer=a_customer
        ),
    }


def _admin_api(world) -> APIClient:
    api = APIClient()
    api.force_authenticate(world.admin)
    return api


# (name, method, path, body) built from the fixture: each crosses one relation.
def _api_cases(b):
    w = b["world"]
    return [
        ("call.ticket", "post", "/api/v1/calls/", {"direction": "inbound", "customer": b["a_customer"].pk,
                                                    "ticket": b["b_ticket"].pk}, "ticket"),
        ("call.agent", "post", "/api/v1/calls/", {"direction": "inbound", "customer": b["a_customer"].pk,
                                                   "agent": w.agent_b.pk}, "agent"),
        ("ticket.call", "post", "/api/v1/tickets/", {"subject": "x", "customer": b["a_customer"].pk,
                                                      "call": b["b_call"].pk}, "call"),
        ("ticket.category", "post", "/api/v1/tickets/", {"subject": "x", "customer": b["a_customer"].pk,
                                                          "category": b["b_category"].pk}, "category"),
        ("ticket.team", "patch", f"/api/v1/tickets/{b['a_ticket'].pk}/", {"team": w.team_b.pk, "note": "n"}, "team"),
        ("ticket.assignee", "patch", f"/api/v1/tickets/{b['a_ticket'].pk}/", {"assignee": w.agent_b.pk}, "assignee"),
        ("follow_up.customer", "post", "/api/v1/follow-ups/", {"ticket": b["b_ticket"].pk,
            "customer": b["a_customer"].pk, "due_at": (timezone.now() + timedelta(hours=2)).isoformat()}, "customer"),
        ("follow_up.owner", "post", "/api/v1/follow-ups/", {"ticket": b["a_ticket"].pk, "owner": w.agent_b.pk,
            "due_at": (timezone.now() + timedelta(hours=2)).isoformat()}, "owner"),
        ("approval.ticket", "post", "/api/v1/approvals/", {"kind": "refund", "amount": "20", "currency": "USD",
            "reason": "r", "customer": b["b_customer"].pk, "ticket": b["a_ticket"].pk}, "ticket"),
    ]  # fmt: skip


def _counts() -> tuple[int, ...]:
    return (Call.objects.count(), Ticket.objects.count(), FollowUp.objects.count(), ApprovalRequest.objects.count())


@pytest.mark.parametrize(
    "case",
    ["call.ticket", "call.agent", "ticket.call", "ticket.category", "ticket.team", "ticket.assignee",
     "follow_up.customer", "follow_up.owner", "approval.ticket"],
)  # fmt: skip
def test_the_api_refuses_naming_the_field_and_writes_nothing(both, case):
    name, method, path, body, field = next(c for c in _api_cases(both) if c[0] == case)
    before = _counts()
    a_ticket = Ticket.objects.values("team_id", "assignee_id").get(pk=both["a_ticket"].pk)
    response = getattr(_admin_api(both["world"]), method)(path, body, format="json")
    assert response.status_code == 400, (name, response.status_code, response.content[:300])
    assert field in response.json()["details"], (name, response.json())
    assert _counts() == before
    assert Ticket.objects.values("team_id", "assignee_id").get(pk=both["a_ticket"].pk) == a_ticket


def test_the_services_refuse_naming_the_field(both):
    w = both["world"]
    attempts = {
        "agent": lambda: call_log_create(
            actor=w.admin, program=w.program_a, direction="inbound", customer=both["a_customer"], agent=w.agent_b
        ),
        "call": lambda: ticket_create(actor=w.admin, subject="x", customer=both["a_customer"], call=both["b_call"]),
        "customer": lambda: follow_up_schedule(
            actor=w.admin, ticket=both["b_ticket"], customer=both["a_customer"], due_at=timezone.now() + timedelta(1)
        ),
        "ticket": lambda: approval_request(
            actor=w.admin, kind="exception", policy="p", reason="r", customer=both["b_customer"],
            ticket=both["a_ticket"],
        ),
    }  # fmt: skip
    for field, attempt in attempts.items():
        before = _counts()
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert field in refused.value.message_dict, (field, refused.value.message_dict)
        assert _counts() == before


@pytest.mark.parametrize(
    ("table", "column", "target"),
    [
        ("crm_call", "customer_id", "b_customer"),
        ("crm_call", "ticket_id", "b_ticket"),
        ("crm_call", "agent_id", "agent_b"),
        ("tickets_ticket", "customer_id", "b_customer"),
        ("tickets_ticket", "category_id", "b_category"),
        ("tickets_ticket", "team_id", "team_b"),
        ("tickets_ticket", "assignee_id", "agent_b"),
        ("tickets_ticket", "program_id", "program_b"),
        ("crm_customer", "program_id", "program_b"),
        ("tickets_followup", "ticket_id", "b_ticket"),
        ("tickets_followup", "customer_id", "b_customer"),
        ("tickets_followup", "owner_id", "agent_b"),
        ("approvals_approvalrequest", "customer_id", "b_customer"),
        ("approvals_approvalrequest", "ticket_id", "b_ticket"),
        ("approvals_approvalrequest", "team_id", "team_b"),
    ],
)
def test_the_database_refuses_a_raw_update_across_programs(both, table, column, target):
    rows = {
        "crm_call": both["a_call"],
        "tickets_ticket": both["a_ticket"],
        "crm_customer": both["a_customer"],
        "tickets_followup": both["a_follow_up"],
        "approvals_approvalrequest": both["a_approval"],
    }
    value = both[target].pk if target in both else getattr(both["world"], target).pk
    with pytest.raises(IntegrityError) as refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, rows[table].pk])
    named = refused.value.__cause__.diag.column_name
    if column == "program_id":
        return  # moving a record refuses on its first relation that would cross, or on the move itself
    assert named in {column, column.removesuffix("_id")}

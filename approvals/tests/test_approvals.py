"""Approval rules (DESIGN.md invariant 1): one decision, never by the requester, within the decider's limit."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from agents.models import AuditEvent, Membership, Notification, Role
from agents.tests.factories import make_user
from approvals.models import ApprovalRequest, AuthorityLimit
from approvals.selectors import approval_queue, approval_totals
from approvals.services import (
    approval_approve,
    approval_cancel,
    approval_reject,
    approval_request,
    approvals_age,
)
from config.errors import AlreadyDecided, NotAllowed
from crm.tests.factories import customer_with_phone


@pytest.fixture
def limits(db):
    for role, amount in ((Role.AGENT, 50), (Role.SUPERVISOR, 500), (Role.MANAGER, 5000)):
        AuthorityLimit.objects.create(role=role, kind="refund", currency="USD", max_amount=Decimal(amount))


@pytest.fixture
def customer(world):
    return customer_with_phone(world.program_a)


def _refund(world, customer, amount="120.00", actor=None):
    return approval_request(
        actor=actor or world.agent,
        kind="refund",
        amount=Decimal(amount),
        currency="USD",
        reason="Late",
        customer=customer,
    )


@pytest.mark.django_db
def test_within_own_limit_is_granted_at_once(world, limits, customer):
    request = _refund(world, customer, "30")
    assert request.status == "self_approved"
    assert request.decided_by is None
    assert AuditEvent.objects.filter(action="approval.self_approve").exists()


@pytest.mark.django_db
def test_user_override_beats_role_limit(world, limits, customer):
    AuthorityLimit.objects.create(user=world.agent, kind="refund", currency="USD", max_amount=Decimal(200))
    assert _refund(world, customer, "150").status == "self_approved"


@pytest.mark.django_db
def test_beyond_limit_goes_to_team_supervisors_and_they_are_notified(world, limits, customer):
    request = _refund(world, customer)
    assert request.status == "pending"
    assert request.level == "supervisor"
    assert request.team == world.team_a
    assert list(approval_queue(actor=world.supervisor)) == [request]
    assert Notification.objects.filter(recipient=world.supervisor, kind="approval.requested").exists()


@pytest.mark.django_db
def test_beyond_supervisor_limit_goes_to_managers(world, limits, customer):
    request = _refund(world, customer, "900")
    assert request.level == "manager"
    assert list(approval_queue(actor=world.supervisor)) == []
    assert list(approval_queue(actor=world.manager)) == [request]


@pytest.mark.django_db
def test_approve_notifies_requester_and_a_second_decision_is_refused(world, limits, customer):
    request = _refund(world, customer)
    approval_approve(actor=world.supervisor, request=request)
    assert Notification.objects.filter(recipient=world.agent, kind="approval.decided").count() == 1
    with pytest.raises(AlreadyDecided, match="already approved"):
        approval_reject(actor=world.manager, request=request, note="no")


@pytest.mark.django_db
def test_rejection_needs_a_reason(world, limits, customer):
    from django.core.exceptions import ValidationError

    request = _refund(world, customer)
    with pytest.raises(ValidationError):
        approval_reject(actor=world.supervisor, request=request, note="  ")


@pytest.mark.django_db
def test_self_approval_refused_in_python_and_in_the_database(world, limits, customer):
    request = _refund(world, customer, actor=world.supervisor)
    with pytest.raises(NotAllowed):
        approval_approve(actor=world.supervisor, request=request)
    with pytest.raises(IntegrityError), transaction.atomic():
        ApprovalRequest.objects.filter(pk=request.pk).update(
            status="approved", decided_by=world.supervisor, decided_at=timezone.now()
        )


@pytest.mark.django_db
def test_database_refuses_an_approval_beyond_the_deciders_limit(world, limits, customer):
    request = _refund(world, customer, "900")
    with pytest.raises(IntegrityError, match="exceeds"), transaction.atomic():
        ApprovalRequest.objects.filter(pk=request.pk).update(
            status="approved", decided_by=world.supervisor, decided_at=timezone.now()
        )


@pytest.mark.django_db
def test_database_refuses_a_second_decision_shape(world, limits, customer):
    request = _refund(world, customer)
    with pytest.raises(IntegrityError), transaction.atomic():
        ApprovalRequest.objects.filter(pk=request.pk).update(status="approved")  # no decider, no time


@pytest.mark.django_db
def test_supervisor_over_its_limit_is_refused_and_the_request_escalated(world, limits, customer):
    request = _refund(world, customer, "400")
    AuthorityLimit.objects.create(user=world.supervisor, kind="refund", currency="USD", max_amount=Decimal(300))
    with pytest.raises(NotAllowed, match="beyond your limit"):
        approval_approve(actor=world.supervisor, request=request)
    request.refresh_from_db()
    assert request.status == "pending"
    assert request.level == "manager"
    approval_approve(actor=world.manager, request=request)


@pytest.mark.django_db
def test_agent_cannot_decide_anywhere(client, world, limits, customer):
    other_agent = make_user("agent", team=world.team_a)
    request = _refund(world, customer, actor=other_agent)
    with pytest.raises(NotAllowed):
        approval_approve(actor=world.agent, request=request)
    client.force_login(world.agent)
    assert client.get(reverse("approvals:approval_queue")).status_code == 403
    refused = client.post(reverse("approvals:approval_decide", args=[request.pk, "approve"]), follow=True)
    assert "not in your approval queue" in refused.content.decode()
    api = APIClient()
    api.force_authenticate(world.agent)
    assert api.post(f"/api/v1/approvals/{request.pk}/approve/").status_code == 403
    assert client.get(f"/admin/approvals/approvalrequest/{request.pk}/change/").status_code in {302, 403}
    request.refresh_from_db()
    assert request.status == "pending"


@pytest.mark.django_db
def test_supervisor_decides_from_the_queue_page(client, world, limits, customer):
    approve, reject = _refund(world, customer), _refund(world, customer, "60.00")
    client.force_login(world.supervisor)
    page = client.post(reverse("approvals:approval_decide", args=[approve.pk, "approve"]), follow=True)
    assert "Approved: Refund 120.00 USD (Approved)" in page.content.decode()
    page = client.post(
        reverse("approvals:approval_decide", args=[reject.pk, "reject"]), {"note": "Policy"}, follow=True
    )
    assert "Rejected" in page.content.decode()
    approve.refresh_from_db()
    reject.refresh_from_db()
    assert (approve.status, approve.decided_by, reject.status, reject.decision_note) == (
        "approved",
        world.supervisor,
        "rejected",
        "Policy",
    )


@pytest.mark.django_db
def test_other_program_is_404(world, limits):
    other = customer_with_phone(world.program_b)
    request = approval_request(
        actor=world.agent_b, kind="refund", amount=Decimal(80), currency="USD", reason="x", customer=other
    )
    api = APIClient()
    api.force_authenticate(world.supervisor)
    assert api.get(f"/api/v1/approvals/{request.pk}/").status_code == 404
    assert api.post(f"/api/v1/approvals/{request.pk}/approve/").status_code == 404


@pytest.mark.django_db
def test_cancel_by_requester_only_and_not_after_decision(world, limits, customer):
    request = _refund(world, customer)
    with pytest.raises(NotAllowed):
        approval_cancel(actor=world.supervisor, request=request)
    approval_cancel(actor=world.agent, request=request)
    with pytest.raises(AlreadyDecided):
        approval_approve(actor=world.supervisor, request=request)


@pytest.mark.django_db
def test_ageing_reminds_once_escalates_then_expires(world, limits, customer, settings):
    settings.APPROVAL_REMIND_AFTER_MINUTES = 30
    settings.APPROVAL_ESCALATE_AFTER_MINUTES = 120
    settings.APPROVAL_EXPIRE_AFTER_MINUTES = 600
    request = _refund(world, customer)
    created = request.created_at
    assert approvals_age(now=created + timedelta(minutes=40))["reminded"] == 1
    assert approvals_age(now=created + timedelta(minutes=50))["reminded"] == 0
    assert Notification.objects.filter(kind="approval.reminder", recipient=world.supervisor).count() == 1
    assert approvals_age(now=created + timedelta(minutes=130))["escalated"] == 1
    assert Notification.objects.filter(kind="approval.escalated", recipient=world.manager).count() == 1
    assert approvals_age(now=created + timedelta(minutes=601))["expired"] == 1
    request.refresh_from_db()
    assert request.status == "expired"
    assert Notification.objects.filter(kind="approval.expired", recipient=world.agent).count() == 1
    assert {"approval.escalate", "approval.expire"} <= set(AuditEvent.objects.values_list("action", flat=True))


@pytest.mark.django_db
def test_billing_marks_applied_idempotently_and_totals(world, limits, customer):
    request = _refund(world, customer)
    approval_approve(actor=world.supervisor, request=request)
    api = APIClient()
    api.force_authenticate(world.integrator)
    unapplied = api.get("/api/v1/approvals/", {"applied": "false"}).json()["results"]
    assert [r["id"] for r in unapplied] == [request.pk]
    first = api.post(f"/api/v1/approvals/{request.pk}/mark-applied/").json()["applied_at"]
    assert api.post(f"/api/v1/approvals/{request.pk}/mark-applied/").json()["applied_at"] == first
    assert api.get("/api/v1/approvals/", {"applied": "false"}).json()["results"] == []
    now = timezone.now()
    totals = approval_totals(actor=world.manager, since=now - timedelta(days=1), until=now + timedelta(days=1))
    assert totals[0]["total"] == Decimal("120.00")


@pytest.mark.django_db
def test_api_conflict_is_409(world, limits, customer):
    request = _refund(world, customer)
    api = APIClient()
    api.force_authenticate(world.supervisor)
    assert api.post(f"/api/v1/approvals/{request.pk}/approve/").status_code == 200
    api.force_authenticate(world.manager)
    response = api.post(f"/api/v1/approvals/{request.pk}/reject/", {"note": "no"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "already_decided"


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_deciders_one_decision_over_a_hundred_requests(world, limits):
    """50 threads race to approve or reject each of 100 requests: exactly one decision each."""
    customer = customer_with_phone(world.program_a)
    deciders = [world.supervisor, world.manager]
    for _i in range(3):
        supervisor = make_user("supervisor", team=world.team_a)
        Membership.objects.filter(user=supervisor).update(is_supervisor=True)
        deciders.append(supervisor)
    requests = [_refund(world, customer, "75") for _ in range(100)]
    threads_count = 50
    barrier = threading.Barrier(threads_count)
    outcomes: list[list[str]] = [[] for _ in requests]
    lock = threading.Lock()

    def race(n: int) -> None:
        actor = deciders[n % len(deciders)]
        try:
            for index, request in enumerate(requests):
                barrier.wait(timeout=60)
                try:
                    if n % 2:
                        approval_approve(actor=actor, request=request)
                        result = "approved"
                    else:
                        approval_reject(actor=actor, request=request, note="not this time")
                        result = "rejected"
                except AlreadyDecided:
                    result = "already"
                with lock:
                    outcomes[index].append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=race, args=(n,)) for n in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    for request, results in zip(requests, outcomes, strict=True):
        assert len(results) == threads_count
        assert results.count("already") == threads_count - 1, results
        request.refresh_from_db()
        assert request.status in {"approved", "rejected"}
        assert request.decided_by is not None
    decisions = AuditEvent.objects.filter(action__in=["approval.approve", "approval.reject"]).count()
    assert decisions == 100
    assert Notification.objects.filter(kind="approval.decided").count() == 100


@pytest.mark.django_db
def test_a_request_mixing_programs_is_refused_and_leaves_no_row(world, limits):
    """Invariant 10: a Northwind customer on an Acme ticket is refused naming the field; nothing is stored."""
    from django.core.exceptions import ValidationError

    from tickets.services.tickets import ticket_create

    acme_ticket = ticket_create(actor=world.agent, subject="Late cake", customer=customer_with_phone(world.program_a))
    northwind_customer = customer_with_phone(world.program_b, number="+442079460000")
    with pytest.raises(ValidationError) as refused:
        approval_request(
            actor=world.admin,
            kind="refund",
            amount=Decimal("20"),
            currency="USD",
            reason="Late",
            customer=northwind_customer,
            ticket=acme_ticket,
        )
    assert "ticket" in refused.value.message_dict
    assert not ApprovalRequest.objects.exists()
    assert not Notification.objects.filter(kind__startswith="approval.").exists()


@pytest.mark.django_db
def test_a_refusal_on_an_htmx_action_keeps_the_page_and_says_why(client, world, limits, customer):
    """The web's one place for domain errors: htmx gets the status, no swap, and the message as an event."""
    import json

    request = _refund(world, customer)
    client.force_login(world.supervisor)  # not the requester: may not cancel
    response = client.post(reverse("approvals:approval_cancel", args=[request.pk]), headers={"HX-Request": "true"})
    assert response.status_code == 403
    assert response["HX-Reswap"] == "none"
    assert json.loads(response["HX-Trigger"]) == {
        "switchboard:error": {"message": "Only the requester may cancel a request."}
    }
    request.refresh_from_db()
    assert request.status == "pending"

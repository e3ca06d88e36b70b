"""Refunds, credits, fee waivers and exceptions beyond an agent's authority (DESIGN.md invariant 1).

The decisive write is a conditional UPDATE ... WHERE status = 'pending': of two
supervisors clicking at once, exactly one changes the row; the other is told it
was already decided. Check constraints and a trigger hold the same rules in the
database (never the requester; within the decider's limit).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from agents.models import Role, Team, User
from agents.selectors import program_for_new_record
from agents.services import SYSTEM_ACTOR, audit_record, notification_send
from approvals import permissions
from approvals.models import GRANTED, MONETARY_KINDS, ApprovalKind, ApprovalRequest
from approvals.permissions import authority_limit, deciders_of
from config.errors import AlreadyDecided, NotAllowed
from config.events import publish
from config.redaction import redact_text
from crm.models import Customer
from tickets.models import Ticket


def _team_of(user: User, program_id: int) -> Team | None:
    return Team.objects.filter(memberships__user=user, programs=program_id, is_active=True).order_by("pk").first()


MAX_AMOUNT = Decimal("9999999999.99")  # what the amount column holds (12 digits, 2 decimals)


def _checked_amount(amount: Decimal | None) -> Decimal:
    """A money amount as a person means it: finite, above zero, in cents, and not absurd."""
    if amount is None or not amount.is_finite() or amount <= 0:
        raise ValidationError({"amount": ["Enter an amount above zero, such as 49.90."]})
    if amount > MAX_AMOUNT:
        raise ValidationError({"amount": [f"At most {MAX_AMOUNT:,}."]})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({"amount": ["Use at most two decimals."]})
    return amount


def _supervisors_may_grant(request: ApprovalRequest) -> bool:
    """Whether a supervisor of the request's team may decide it at supervisor level (its own or its role's limit)."""
    return deciders_of(request, level=ApprovalRequest.Level.SUPERVISOR).filter(role=Role.SUPERVISOR).exists()


def _notify_deciders(request: ApprovalRequest, *, stage: str) -> None:
    for person in deciders_of(request):
        notification_send(
            recipient=person,
            kind=f"approval.{stage}",
            title=f"Approval needed: {request}",
            url="/approvals/",
            dedupe_key=f"approval:{request.pk}:{stage}:{person.pk}",
        )


def approval_request(
    *,
    actor: User,
    kind: str,
    reason: str,
    customer: Customer | None = None,
    ticket: Ticket | None = None,
    amount: Decimal | None = None,
    currency: str = "",
    reference: str = "",
    policy: str = "",
) -> ApprovalRequest:
    """Grants at once within the requester's own limit; otherwise queues it for the team's supervisors
    (or managers, beyond a supervisor's limit) and notifies them. Audited; publishes ``approval.requested``."""
    if customer is None and ticket is None:
        raise ValidationError({"customer": ["Ask from a customer or a ticket."]})
    if ticket is not None and customer is None:
        customer = ticket.customer
    program = program_for_new_record(
        actor=actor,
        related={
            "customer": customer.program_id if customer is not None else None,
            "ticket": ticket.program_id if ticket is not None else None,
        },
    )
    if ticket is not None and customer is not None and ticket.customer_id not in (None, customer.pk):
        raise ValidationError({"ticket": ["This ticket is about another customer."]})
    program_id = program.pk
    if not permissions.can_request_approval(actor, program_id):
        raise NotAllowed("You cannot ask for approvals on this record.")
    if kind not in ApprovalKind.values:
        raise ValidationError({"kind": [f"Unknown kind {kind!r}."]})
    reason = redact_text((reason or "").strip())
    if not reason:
        raise ValidationError({"reason": ["Say why: the supervisor decides on it."]})
    if kind in MONETARY_KINDS:
        amount = _checked_amount(amount)
        currency = (currency or "").upper()
        if len(currency) != 3:
            raise ValidationError({"currency": ["Use a three-letter currency code such as USD."]})
    else:
        amount, currency = None, ""
        if not policy.strip():
            raise ValidationError({"policy": ["Name the policy the exception is for."]})
    own_limit = authority_limit(user=actor, kind=kind, currency=currency)
    self_approved = amount is not None and own_limit is not None and amount <= own_limit
    with transaction.atomic():
        request = ApprovalRequest(
            kind=kind,
            amount=amount,
            currency=currency,
            reason=reason,
            reference=redact_text(reference)[:100],
            policy=redact_text(policy)[:200],
            program_id=program_id,
            team=_team_of(actor, program_id),
            customer=customer,
            ticket=ticket,
            requested_by=actor,
            status=ApprovalRequest.Status.SELF_APPROVED if self_approved else ApprovalRequest.Status.PENDING,
        )
        # Supervisors first, when one of the team may grant it (its own or its role's limit); else managers.
        if not self_approved and not _supervisors_may_grant(request):
            request.level = ApprovalRequest.Level.MANAGER
        request.save(force_insert=True)
        level = request.level
        audit_record(
            action="approval.self_approve" if self_approved else "approval.request",
            actor=actor,
            obj=request,
            program=program_id,
            data={"kind": kind, "amount": str(amount) if amount else None, "currency": currency, "level": level},
        )
        if not self_approved:
            _notify_deciders(request, stage="requested")
        publish("approval.requested", program_id=program_id, payload=_payload(request))
    return request


def _payload(request: ApprovalRequest) -> dict[str, Any]:
    return {
        "approval_id": request.pk,
        "kind": request.kind,
        "status": request.status,
        "amount": str(request.amount) if request.amount is not None else None,
        "currency": request.currency,
    }


def _decide(*, actor: User, request: ApprovalRequest, status: str, note: str) -> ApprovalRequest:
    if request.requested_by_id == actor.pk:
        raise NotAllowed("You cannot decide your own request.")
    note = redact_text((note or "").strip())
    if status == ApprovalRequest.Status.REJECTED and not note:
        raise ValidationError({"note": ["Say why you reject it: the agent tells the customer."]})
    if not permissions.can_decide_approval(actor, request):
        if request.status == ApprovalRequest.Status.PENDING and permissions.can_decide_approval(
            actor, request, ignoring_amount=True
        ):
            went = "another supervisor of the team may decide it"
            if not _supervisors_may_grant(request) and _escalate(request, reason="beyond the supervisor's limit"):
                went = "the request went to the managers"
            raise NotAllowed(f"{request.amount} {request.currency} is beyond your limit; {went}.")
        raise NotAllowed("This request is not in your approval queue.")
    now = timezone.now()
    try:
        with transaction.atomic():
            changed = ApprovalRequest.objects.filter(pk=request.pk, status=ApprovalRequest.Status.PENDING).update(
                status=status, decided_by=actor, decided_at=now, decision_note=note, updated_at=now
            )
            if not changed:
                current = ApprovalRequest.objects.get(pk=request.pk)
                raise AlreadyDecided(f"This request was already {current.get_status_display().lower()}.")
            request.refresh_from_db()
            audit_record(
                action=f"approval.{'approve' if status == 'approved' else 'reject'}",
                actor=actor,
                obj=request,
                program=request.program_id,
                data={"kind": request.kind, "amount": str(request.amount) if request.amount else None},
            )
            notification_send(
                recipient=request.requested_by,
                kind="approval.decided",
                title=f"{request.get_kind_display()} {request.get_status_display().lower()} by {actor.get_username()}",
                url=f"/customers/{request.customer_id}/" if request.customer_id else "/",
                dedupe_key=f"approval:{request.pk}:decided",
            )
            publish("approval.decided", program_id=request.program_id, payload=_payload(request))
    except IntegrityError as exc:
        # The trigger refused it (the decider's authority changed since the check): a rule, not a crash.
        raise NotAllowed("The database refused this decision: it breaks an approval rule.") from exc
    return request


def approval_approve(*, actor: User, request: ApprovalRequest, note: str = "") -> ApprovalRequest:
    """Approves a pending request within the decider's limit; notifies the requester; audited."""
    return _decide(actor=actor, request=request, status=ApprovalRequest.Status.APPROVED, note=note)


def approval_reject(*, actor: User, request: ApprovalRequest, note: str) -> ApprovalRequest:
    """Rejects a pending request (a reason is required); notifies the requester; audited."""
    return _decide(actor=actor, request=request, status=ApprovalRequest.Status.REJECTED, note=note)


def approval_cancel(*, actor: User, request: ApprovalRequest) -> ApprovalRequest:
    """The requester withdraws a pending request."""
    if not permissions.can_cancel_approval(actor, request):
        raise NotAllowed("Only the requester may cancel a request.")
    with transaction.atomic():
        if request.status == ApprovalRequest.Status.CANCELLED:
            return request
        changed = ApprovalRequest.objects.filter(pk=request.pk, status=ApprovalRequest.Status.PENDING).update(
            status=ApprovalRequest.Status.CANCELLED, updated_at=timezone.now()
        )
        request.refresh_from_db()
        if not changed:
            raise AlreadyDecided(f"This request was already {request.get_status_display().lower()}.")
        audit_record(action="approval.cancel", actor=actor, obj=request, program=request.program_id)
    return request


def approval_mark_applied(*, actor: User, request: ApprovalRequest) -> ApprovalRequest:
    """Billing applied the refund/credit; idempotent (a second call changes nothing)."""
    if not permissions.can_apply_approvals(actor):
        raise NotAllowed("Only billing integrations mark approvals as applied.")
    if request.status not in GRANTED:
        raise AlreadyDecided(f"Only granted requests can be applied; this one is {request.status}.")
    with transaction.atomic():
        changed = ApprovalRequest.objects.filter(pk=request.pk, applied_at__isnull=True).update(
            applied_at=timezone.now(), updated_at=timezone.now()
        )
        request.refresh_from_db()
        if changed:
            audit_record(action="approval.apply", actor=actor, obj=request, program=request.program_id)
    return request


def _escalate(request: ApprovalRequest, *, reason: str) -> bool:
    with transaction.atomic():
        changed = ApprovalRequest.objects.filter(
            pk=request.pk, status=ApprovalRequest.Status.PENDING, level=ApprovalRequest.Level.SUPERVISOR
        ).update(level=ApprovalRequest.Level.MANAGER, escalated_at=timezone.now(), updated_at=timezone.now())
        if changed:
            request.refresh_from_db()
            audit_record(
                action="approval.escalate",
                actor_label=SYSTEM_ACTOR,
                obj=request,
                program=request.program_id,
                data={"reason": reason},
            )
            _notify_deciders(request, stage="escalated")
    return bool(changed)


def approvals_age(*, now: datetime | None = None) -> dict[str, int]:
    """Reminds supervisors once, escalates to managers, then expires; each step a conditional update."""
    now = now or timezone.now()
    counts = {"reminded": 0, "escalated": 0, "expired": 0}
    pending = ApprovalRequest.objects.filter(status=ApprovalRequest.Status.PENDING)
    remind_before = now - timedelta(minutes=settings.APPROVAL_REMIND_AFTER_MINUTES)
    escalate_before = now - timedelta(minutes=settings.APPROVAL_ESCALATE_AFTER_MINUTES)
    expire_before = now - timedelta(minutes=settings.APPROVAL_EXPIRE_AFTER_MINUTES)
    for request in pending.filter(created_at__lte=expire_before).select_related("requested_by"):
        with transaction.atomic():
            if ApprovalRequest.objects.filter(pk=request.pk, status="pending").update(
                status=ApprovalRequest.Status.EXPIRED, updated_at=now
            ):
                counts["expired"] += 1
                audit_record(
                    action="approval.expire", actor_label=SYSTEM_ACTOR, obj=request, program=request.program_id
                )
                notification_send(
                    recipient=request.requested_by,
                    kind="approval.expired",
                    title=f"{request.get_kind_display()} request expired undecided",
                    dedupe_key=f"approval:{request.pk}:expired",
                )
    for request in pending.filter(created_at__lte=escalate_before, level="supervisor"):
        counts["escalated"] += _escalate(request, reason="undecided in time")
    for request in pending.filter(created_at__lte=remind_before, reminded_at__isnull=True):
        with transaction.atomic():
            if ApprovalRequest.objects.filter(pk=request.pk, reminded_at__isnull=True).update(reminded_at=now):
                _notify_deciders(request, stage="reminder")
                counts["reminded"] += 1
    return counts

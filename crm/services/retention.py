"""Retention: data kept only as long as policy says (DESIGN.md invariant 6).

Each policy is applied in small batches, one short transaction per batch with a
bounded lock wait; a run can be stopped at any point and simply run again.
Nothing tied to a customer under legal hold is touched. Audit events are deleted
only with ``switchboard.retention`` set for the transaction (the append-only
trigger refuses any other delete).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from agents.models import AuditEvent, Notification
from agents.services import SYSTEM_ACTOR, audit_record
from config.hooks import app_hooks
from config.privacy import ERASED
from crm.models import Call, Customer, CustomerAccess, Note, RetentionPolicy
from crm.services.erasure import customer_erase

logger = logging.getLogger(__name__)
BATCH_SIZE = 2000
LOCK_TIMEOUT = "2s"


@dataclass
class Plan:
    """What one policy touches: the expired rows (ids only) and what to do with a batch of them."""

    policy: RetentionPolicy
    queryset: QuerySet[Any]
    apply: Callable[[list[int]], int]


def _cutoff(policy: RetentionPolicy) -> Any:
    return timezone.now() - timedelta(days=policy.keep_days)


def not_on_hold(path: str) -> Q:
    return ~Q(**{f"{path}legal_hold": True}) if path else ~Q(legal_hold=True)


def _plans() -> Iterator[Plan]:
    for policy in RetentionPolicy.objects.filter(is_active=True).order_by("target"):
        cutoff = _cutoff(policy)
        target = policy.target
        if target == RetentionPolicy.Target.CALL_NOTES:
            calls = Call.objects.filter(started_at__lt=cutoff).exclude(notes__in=["", ERASED])
            calls = calls.filter(Q(customer__isnull=True) | not_on_hold("customer__"))
            yield Plan(policy, calls, lambda ids: Call.objects.filter(pk__in=ids).update(notes=ERASED))
        elif target == RetentionPolicy.Target.NOTES:
            notes = Note.objects.filter(created_at__lt=cutoff).filter(not_on_hold("customer__"))
            yield Plan(policy, notes, lambda ids: Note.objects.filter(pk__in=ids).delete()[0])
        elif target == RetentionPolicy.Target.ACCESS_LOG:
            rows = CustomerAccess.objects.filter(at__lt=cutoff).filter(not_on_hold("customer__"))
            yield Plan(policy, rows, lambda ids: CustomerAccess.objects.filter(pk__in=ids).delete()[0])
        elif target == RetentionPolicy.Target.NOTIFICATIONS:
            read = Notification.objects.filter(created_at__lt=cutoff, read_at__isnull=False)
            yield Plan(policy, read, lambda ids: Notification.objects.filter(pk__in=ids).delete()[0])
        elif target == RetentionPolicy.Target.AUDIT_EVENTS:
            yield Plan(policy, AuditEvent.objects.filter(at__lt=cutoff), _delete_audit_events)
        elif target == RetentionPolicy.Target.INACTIVE_CUSTOMERS:
            customers = Customer.objects.filter(erased_at__isnull=True, legal_hold=False, last_activity_at__lt=cutoff)
            yield Plan(policy, customers, _anonymize_customers)
        else:
            # Targets of higher apps (closed tickets, ...) come from their ``retention_planners`` hook.
            yield from (plan for planner in app_hooks("retention_planners") if (plan := planner(policy, cutoff)))


def _delete_audit_events(ids: list[int]) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL switchboard.retention = 'on'")
    return AuditEvent.objects.filter(pk__in=ids).delete()[0]


def _anonymize_customers(ids: list[int]) -> int:
    for customer in Customer.objects.filter(pk__in=ids, legal_hold=False):
        customer_erase(customer=customer)
    return len(ids)


def retention_preview() -> dict[str, int]:
    """What a run would touch now, per policy (``retention --dry-run``)."""
    return {plan.policy.target: plan.queryset.count() for plan in _plans()}


def retention_run(
    *,
    batch_size: int = BATCH_SIZE,
    max_batches: int | None = None,
    on_batch: Callable[[str, int, float], None] | None = None,
) -> dict[str, int]:
    """Applies every active policy in batches; returns rows handled per policy and records an audit event."""
    totals: dict[str, int] = {}
    batches = 0
    for plan in _plans():
        target = plan.policy.target
        totals[target] = 0
        while max_batches is None or batches < max_batches:
            started = time.monotonic()
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
                ids = list(
                    plan.queryset.select_for_update(skip_locked=True, of=("self",))
                    .order_by("pk")
                    .values_list("pk", flat=True)[:batch_size]
                )
                if not ids:
                    break
                handled = plan.apply(ids)
            elapsed = time.monotonic() - started
            batches += 1
            totals[target] += len(ids)
            logger.info("retention: %s batch of %d rows (%d affected) in %.3fs", target, len(ids), handled, elapsed)
            if on_batch is not None:
                on_batch(target, len(ids), elapsed)
    audit_record(action="retention.run", actor_label=SYSTEM_ACTOR, data={"rows": totals, "batches": batches})
    return totals

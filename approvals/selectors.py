"""Reads of approval requests, scoped to the acting user."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from agents import permissions as people
from agents.permissions import Actor, served_program_ids
from approvals.models import GRANTED, ApprovalRequest
from approvals.permissions import decidable_by


def approval_list(*, actor: Actor, applied: bool | None = None) -> QuerySet[ApprovalRequest]:
    """Requests of the actor's programs; ``applied=False`` is billing's list of granted, not yet applied."""
    requests = ApprovalRequest.objects.filter(program_id__in=served_program_ids(actor)).select_related(
        "requested_by", "decided_by", "customer", "ticket", "team", "program"
    )
    if applied is False:
        requests = requests.filter(status__in=GRANTED, applied_at__isnull=True)
    elif applied is True:
        requests = requests.filter(applied_at__isnull=False)
    return requests


def approval_get(*, actor: Actor, pk: int | str) -> ApprovalRequest | None:
    try:
        return approval_list(actor=actor).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def approval_queue(*, actor: Actor) -> QuerySet[ApprovalRequest]:
    """Pending requests this person may decide (the one decider rule), oldest first."""
    if not people.can_decide_approvals(actor):
        return ApprovalRequest.objects.none()
    return (
        approval_list(actor=actor)
        .filter(status=ApprovalRequest.Status.PENDING)
        .filter(decidable_by(actor))
        .order_by("created_at", "id")
    )


def approval_recent_refunds(*, customer_ids: list[int], days: int = 90) -> dict[int, tuple[int, Decimal]]:
    """Granted refunds per customer over the last ``days``: (count, total), for the queue's context."""
    since = timezone.now() - timedelta(days=days)
    rows = (
        ApprovalRequest.objects.filter(
            customer_id__in=customer_ids,
            kind="refund",
            status__in=GRANTED,
            created_at__gte=since,
        )
        .values("customer_id")
        .annotate(n=Count("id"), total=Sum("amount"))
    )
    return {row["customer_id"]: (row["n"], row["total"] or Decimal(0)) for row in rows}


def approval_totals(*, actor: Actor, since: Any, until: Any, by: str = "requested_by") -> list[dict[str, Any]]:
    """Granted amounts per agent, team or kind over a period (and currency)."""
    field = {"agent": "requested_by__username", "requested_by": "requested_by__username", "team": "team__name"}.get(
        by, "kind"
    )
    return list(
        approval_list(actor=actor)
        .filter(
            status__in=GRANTED,
            created_at__gte=since,
            created_at__lt=until,
        )
        .exclude(amount=None)
        .values(field, "kind", "currency")
        .annotate(count=Count("id"), total=Sum("amount"))
        .order_by(field, "kind", "currency")
    )

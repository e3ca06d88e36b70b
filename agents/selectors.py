"""Reads of people and organisation, scoped to the acting user."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from agents.models import ApprovalRequest, Notification, Program, Role, Team, User
from agents.permissions import served_program_ids


def program_list(*, actor: Any) -> QuerySet[Program]:
    return Program.objects.filter(pk__in=served_program_ids(actor), is_active=True)


def program_for_dialed_number(*, number: str) -> Program | None:
    return Program.objects.filter(phone_numbers__number=number, is_active=True).first()


def team_list(*, actor: Any) -> QuerySet[Team]:
    return Team.objects.filter(programs__in=served_program_ids(actor), is_active=True).distinct()


def team_supervisors(*, team: Team) -> QuerySet[User]:
    return User.objects.filter(memberships__team=team, memberships__is_supervisor=True, is_active=True)


def user_teams(*, user: User) -> QuerySet[Team]:
    return Team.objects.filter(memberships__user=user, is_active=True)


def notification_list(*, actor: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=actor).order_by("-created_at", "-id")


def notification_get(*, actor: Any, pk: int) -> Notification | None:
    return notification_list(actor=actor).filter(pk=pk).first()


def notification_unread_count(*, actor: Any) -> int:
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).count()


def approval_list(*, actor: Any) -> QuerySet[ApprovalRequest]:
    return ApprovalRequest.objects.filter(program_id__in=served_program_ids(actor)).select_related(
        "requested_by", "decided_by", "customer", "ticket", "team", "program"
    )


def approval_get(*, actor: Any, pk: int | str) -> ApprovalRequest | None:
    try:
        return approval_list(actor=actor).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def approval_queue(*, actor: Any) -> QuerySet[ApprovalRequest]:
    """Pending requests this person may decide, oldest first."""
    pending = approval_list(actor=actor).filter(status=ApprovalRequest.Status.PENDING).exclude(requested_by=actor)
    if actor.role == Role.SUPERVISOR:
        pending = pending.filter(
            level=ApprovalRequest.Level.SUPERVISOR,
            team__memberships__user=actor,
            team__memberships__is_supervisor=True,
        )
    elif actor.role not in {Role.MANAGER, Role.ADMIN}:
        return pending.none()
    return pending.order_by("created_at", "id")


def approval_recent_refunds(*, customer_ids: list[int], days: int = 90) -> dict[int, tuple[int, Decimal]]:
    """Granted refunds per customer over the last ``days``: (count, total), for the queue's context."""
    since = timezone.now() - timedelta(days=days)
    rows = (
        ApprovalRequest.objects.filter(
            customer_id__in=customer_ids,
            kind="refund",
            status__in=[ApprovalRequest.Status.APPROVED, ApprovalRequest.Status.SELF_APPROVED],
            created_at__gte=since,
        )
        .values("customer_id")
        .annotate(n=Count("id"), total=Sum("amount"))
    )
    return {row["customer_id"]: (row["n"], row["total"] or Decimal(0)) for row in rows}


def approval_totals(*, actor: Any, since: Any, until: Any, by: str = "requested_by") -> list[dict[str, Any]]:
    """Granted amounts per agent, team or kind over a period (and currency)."""
    field = {"agent": "requested_by__username", "requested_by": "requested_by__username", "team": "team__name"}.get(
        by, "kind"
    )
    return list(
        approval_list(actor=actor)
        .filter(
            status__in=[ApprovalRequest.Status.APPROVED, ApprovalRequest.Status.SELF_APPROVED],
            created_at__gte=since,
            created_at__lt=until,
        )
        .exclude(amount=None)
        .values(field, "kind", "currency")
        .annotate(count=Count("id"), total=Sum("amount"))
        .order_by(field, "kind", "currency")
    )

"""Approvals on the customer and ticket pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from agents.permissions import Actor
from approvals.selectors import approval_list
from config.pages import Panel, TimelineEntry

LIMIT = 10


def customer_approvals_panel(*, customer: Any, actor: Actor) -> Panel:
    requests = list(
        _summary(approval_list(actor=actor).filter(customer=customer, status="pending")).order_by("created_at")[:LIMIT]
    )
    return Panel(
        "approvals",
        "Pending approvals",
        "approvals/_panel.html",
        {"requests": requests, "customer": customer},
        order=35,
    )


def ticket_approvals_panel(*, ticket: Any, actor: Actor) -> Panel:
    requests = list(approval_list(actor=actor).filter(ticket=ticket).order_by("-created_at")[:LIMIT])
    return Panel("approvals", "Approvals", "approvals/_panel.html", {"requests": requests, "ticket": ticket}, 30)


def approvals_timeline(*, customer: Any, actor: Actor, before: datetime | None, limit: int) -> list[TimelineEntry]:
    requests = _summary(approval_list(actor=actor).filter(customer=customer))
    if before:
        requests = requests.filter(created_at__lt=before)
    return [
        TimelineEntry(
            kind="approval",
            at=request.created_at,
            object_id=request.pk,
            title=f"{request} requested by {request.requested_by.get_username()}",
            summary=request.reason + (f" — {request.decision_note}" if request.decision_note else ""),
        )
        for request in requests.order_by("-created_at", "-id")[:limit]
    ]


def _summary(requests: Any) -> Any:
    """What a line about a request on the customer's page shows."""
    return (
        requests.select_related(None)
        .select_related("requested_by")
        .only(
            "id", "kind", "amount", "currency", "status", "reason", "decision_note", "created_at",
            "requested_by__username",
        )
    )  # fmt: skip

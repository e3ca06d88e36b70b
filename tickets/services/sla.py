"""SLA watch: warn the assignee and the team's supervisors shortly before a breach and at it, once each."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from agents.selectors import team_supervisors
from agents.services import notification_send
from tickets.models import OPEN_STATUSES, Ticket

logger = logging.getLogger(__name__)
BATCH = 200


def _recipients(ticket: Ticket) -> list[Any]:
    people = {ticket.assignee} if ticket.assignee else set()
    if ticket.team is not None:
        people |= set(team_supervisors(team=ticket.team))
    return sorted(people, key=lambda user: user.pk)


def _warn(ticket: Ticket, *, stage: str, target: str, due: Any) -> int:
    """``stage`` is "warning" or "breach"; the dedupe key makes each one a single notification per person."""
    sent = 0
    label = "first response" if target == "first_response" else "resolution"
    title = (
        f"{ticket.number}: {label} due {timezone.localtime(due):%H:%M}"
        if stage == "warning"
        else f"{ticket.number}: {label} SLA breached"
    )
    for person in _recipients(ticket):
        _, created = notification_send(
            recipient=person,
            kind=f"sla.{stage}",
            title=title,
            url=f"/tickets/{ticket.pk}/",
            dedupe_key=f"sla:{ticket.pk}:{target}:{stage}:{person.pk}",
        )
        sent += created
    return sent


def sla_check(*, now: Any = None) -> dict[str, int]:
    """One pass over open tickets near or past a target; returns counts."""
    now = now or timezone.now()
    warn_before = timedelta(minutes=settings.SLA_WARNING_MINUTES)
    counts = {"warnings": 0, "breaches": 0}
    for target, due_field, done_field in (
        ("first_response", "first_response_due", "first_responded_at"),
        ("resolution", "resolution_due", "resolved_at"),
    ):
        candidates = Ticket.objects.filter(
            Q(**{f"{due_field}__lte": now + warn_before}),
            status__in=OPEN_STATUSES,
            **{f"{done_field}__isnull": True},
        ).values_list("pk", flat=True)
        for pk in candidates.iterator(chunk_size=BATCH):
            with transaction.atomic():
                ticket = (
                    Ticket.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("assignee", "team")
                    .filter(pk=pk)
                    .first()
                )
                if ticket is None:
                    continue
                due = getattr(ticket, due_field)
                if due > now:
                    counts["warnings"] += _warn(ticket, stage="warning", target=target, due=due)
                    continue
                counts["breaches"] += _warn(ticket, stage="breach", target=target, due=due)
                if ticket.sla_breached_at is None:
                    ticket.sla_breached_at = now
                    ticket.save(update_fields=["sla_breached_at", "updated_at"])
    if counts["warnings"] or counts["breaches"]:
        logger.info("sla: %(warnings)d warnings, %(breaches)d breach notices", counts)
    return counts

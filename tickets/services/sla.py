"""The SLA clock and its watch.

The clock: a ticket's targets (first response, resolution) fall due the policy's minutes after it was
opened, counting every minute or, when the policy says so, only the program's business hours
(``BusinessHours``, in the program's zone; without them every minute). While the ticket waits on the
customer the clock is paused: both due times are empty, and the clock time spent waiting is added to
``sla_paused`` when it resumes. So a due time is always ``opened + target + paused`` on the policy's clock,
and recomputing it after the calendar or the policy changed gives the same answer as keeping it.

The watch: warn the assignee and the team's supervisors shortly before a breach and at it, once each.
"""

from __future__ import annotations

import logging
import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from agents.models import Program, User
from agents.permissions import is_admin
from agents.selectors import team_supervisors
from agents.services import audit_record, notification_send
from agents.settings_cache import program_setting
from config.errors import NotAllowed
from config.hours import Window, parse_windows
from config.queue import enqueue_on_commit
from tickets.models import OPEN_STATUSES, BusinessHours, SlaPolicy, SlaRecompute, Ticket

logger = logging.getLogger(__name__)
BATCH = 200


# --- The clock -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlaClock:
    """How a policy counts time: every minute (``window`` None) or the open hours of ``window``."""

    window: Window | None
    zone: zoneinfo.ZoneInfo

    def add(self, start: datetime, amount: timedelta) -> datetime:
        return start + amount if self.window is None else self.window.add(start, amount, self.zone)

    def between(self, start: datetime, end: datetime) -> timedelta:
        if self.window is None:
            return max(end - start, timedelta())
        return self.window.between(start, end, self.zone)


@dataclass(frozen=True)
class SlaTargets:
    """A policy as the clock applies it: its two targets and how it counts time."""

    first_response: timedelta
    resolution: timedelta
    clock: SlaClock


# The columns the clock reads: the policy's targets, the program's zone and its business hours.
_POLICY_FIELDS = (
    "program", "priority", "first_response_minutes", "resolution_minutes", "business_hours",
    "program__time_zone", "program__business_hours__windows", "program__business_hours__holidays",
)  # fmt: skip


def _policies(program_id: int, priority: str | None = None) -> list[SlaPolicy]:
    """The program's policies (or its one for ``priority``) with the program and its business hours, in one
    query of the clock's columns."""
    policies = SlaPolicy.objects.select_related("program__business_hours").only(*_POLICY_FIELDS)
    if priority is not None:
        policies = policies.filter(priority=priority)
    return list(policies.filter(program_id=program_id))


def _targets_of(policy: SlaPolicy) -> SlaTargets:
    return SlaTargets(
        timedelta(minutes=policy.first_response_minutes), timedelta(minutes=policy.resolution_minutes), _clock(policy)
    )


def _targets(program: Program, priority: str) -> SlaTargets | None:
    """The program's targets for ``priority``, kept in this process while the program's settings version
    holds (``agents.settings_cache``): opening a ticket reads no policy, business hours or time zone."""

    def load() -> SlaTargets | None:
        policies = _policies(program.pk, priority)
        return _targets_of(policies[0]) if policies else None

    return program_setting(program, f"sla.{priority}", load)


def _clock(policy: SlaPolicy) -> SlaClock:
    zone = zoneinfo.ZoneInfo(policy.program.time_zone or "UTC")
    if not policy.business_hours:
        return SlaClock(None, zone)
    try:
        hours: BusinessHours | None = policy.program.business_hours
    except BusinessHours.DoesNotExist:
        hours = None
    if hours is None or not hours.windows:
        return SlaClock(None, zone)  # no hours set: every minute is a business minute
    return SlaClock(Window(parse_windows(hours.windows), frozenset(hours.holidays)), zone)


def _due_times(targets: SlaTargets | None, ticket: Ticket) -> tuple[datetime | None, datetime | None]:
    if targets is None or ticket.sla_paused_at is not None:
        return None, None
    start = ticket.created_at or timezone.now()
    return (
        targets.clock.add(start, targets.first_response + ticket.sla_paused),
        targets.clock.add(start, targets.resolution + ticket.sla_paused),
    )


def sla_set_due(ticket: Ticket) -> list[str]:
    """Sets ``ticket``'s due times from its program's policy for its priority (unsaved); returns the fields."""
    ticket.first_response_due, ticket.resolution_due = _due_times(_targets(ticket.program, ticket.priority), ticket)
    return ["first_response_due", "resolution_due"]


def sla_pause(ticket: Ticket, *, now: datetime) -> list[str]:
    """The ticket waits on the customer: the clock stops (unsaved); returns the changed fields."""
    if ticket.sla_paused_at is not None:
        return []
    ticket.sla_paused_at = now
    ticket.first_response_due = ticket.resolution_due = None
    return ["sla_paused_at", "first_response_due", "resolution_due"]


def sla_resume(ticket: Ticket, *, now: datetime) -> list[str]:
    """The customer answered (or the wait ended): the waiting time, on the policy's clock, is added to the
    pause and the due times move by it (unsaved); returns the changed fields."""
    if ticket.sla_paused_at is None:
        return []
    targets = _targets(ticket.program, ticket.priority)
    if targets is not None:
        ticket.sla_paused += targets.clock.between(ticket.sla_paused_at, now)
    ticket.sla_paused_at = None
    ticket.first_response_due, ticket.resolution_due = _due_times(targets, ticket)
    return ["sla_paused", "sla_paused_at", "first_response_due", "resolution_due"]


def sla_recompute_owed() -> int:
    """Carries out every owed recompute (``SlaRecompute``); returns how many tickets moved. Idempotent: two
    workers doing the same program write the same due times; a change made meanwhile stays owed."""
    moved = 0
    for owed in list(SlaRecompute.objects.all()):
        moved += sla_recompute(program_id=owed.program_id)
        SlaRecompute.objects.filter(program_id=owed.program_id, requested_at=owed.requested_at).delete()
    return moved


def sla_recompute(*, program_id: int) -> int:
    """Due times of the program's open tickets again, after its business hours or a policy changed; returns
    how many tickets moved. Paused tickets keep waiting."""
    targets = {policy.priority: _targets_of(policy) for policy in _policies(program_id)}
    tickets = Ticket.objects.filter(program_id=program_id, status__in=OPEN_STATUSES, sla_paused_at__isnull=True)
    moved = 0
    pks = list(tickets.values_list("pk", flat=True))
    for offset in range(0, len(pks), BATCH):
        with transaction.atomic():
            batch = list(
                Ticket.objects.select_for_update(of=("self",))
                .filter(pk__in=pks[offset : offset + BATCH], sla_paused_at__isnull=True)
                .only("pk", "created_at", "priority", "sla_paused", "sla_paused_at", "first_response_due",
                      "resolution_due")
            )  # fmt: skip
            changed = []
            for ticket in batch:
                due = _due_times(targets.get(ticket.priority), ticket)
                if due != (ticket.first_response_due, ticket.resolution_due):
                    ticket.first_response_due, ticket.resolution_due = due
                    changed.append(ticket)
            Ticket.objects.bulk_update(changed, ["first_response_due", "resolution_due"])
            moved += len(changed)
    logger.info("sla: program %s, %d due times recomputed", program_id, moved)
    return moved


def sla_calendar_save(
    *, actor: User, record: BusinessHours | SlaPolicy, changed: list[str], request: HttpRequest | None = None
) -> None:
    """Saves a program's business hours or one of its SLA policies (validated by the caller's form), audits
    it, and has the program's open tickets' due times recomputed after the commit."""
    if not is_admin(actor):
        raise NotAllowed("Only administrators change business hours and SLA policies.")
    with transaction.atomic():
        record.save()
        _calendar_changed(actor=actor, record=record, action="change", changed=changed, request=request)


def sla_calendar_delete(*, actor: User, record: BusinessHours | SlaPolicy, request: HttpRequest | None = None) -> None:
    if not is_admin(actor):
        raise NotAllowed("Only administrators change business hours and SLA policies.")
    with transaction.atomic():
        _calendar_changed(actor=actor, record=record, action="delete", changed=[], request=request)
        record.delete()


def _calendar_changed(
    *, actor: User, record: BusinessHours | SlaPolicy, action: str, changed: list[str], request: HttpRequest | None
) -> None:
    kind = "business_hours" if isinstance(record, BusinessHours) else "sla_policy"
    audit_record(
        action=f"{kind}.{action}",
        actor=actor,
        obj=record,
        program=record.program_id,
        request=request,
        data={name: str(getattr(record, name)) for name in changed},
    )
    SlaRecompute.objects.update_or_create(program_id=record.program_id, defaults={"requested_at": timezone.now()})
    enqueue_on_commit("tickets.sla_recompute")


# --- The watch -----------------------------------------------------------------------------------------------


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

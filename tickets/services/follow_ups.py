"""Scheduled callbacks and their reminders, delivered exactly once (DESIGN.md invariant 2).

The database decides what is due. The dispatcher claims due rows with
``FOR UPDATE SKIP LOCKED`` and, in the same short transaction, stores the
notification (unique ``dedupe_key``) and stamps ``notified_at``. A worker killed
mid-batch rolls its transaction back, releasing its rows for the next run; two
dispatchers never take the same row; Redis only carries the "run now" signal.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from agents.models import Team, User
from agents.permissions import can_serve_program
from agents.selectors import program_for_new_record, team_members_to_alert
from agents.services import SYSTEM_ACTOR, audit_record, notification_send
from config.errors import InvalidTransition, NotAllowed
from config.events import publish
from config.redaction import redact_text
from config.timezones import wall_clock_to_utc
from crm.services.outbound import outbound_check
from tickets import permissions
from tickets.models import FollowUp, Ticket
from tickets.services.routing import route
from tickets.services.tickets import ticket_transition_by_system

logger = logging.getLogger(__name__)
DISPATCH_BATCH = 100


def follow_up_schedule(
    *,
    actor: User,
    due_at: datetime,
    ticket: Ticket | None = None,
    customer: Any = None,
    owner: User | None = None,
    note: str = "",
    reopen_ticket: bool = False,
) -> FollowUp:
    """Schedules a callback; a naive ``due_at`` is read in the customer's time zone.

    Whose it is: ``owner`` when named; else the actor's, when the actor sits on a team of the program (an agent
    scheduling a call back); else routed (``tickets.services.routing``: the customer's preferred agent or an
    available agent who speaks the customer's language, else the team's queue with no owner yet)."""
    if ticket is None and customer is None:
        raise ValidationError({"ticket": ["A follow-up needs a ticket or a customer."]})
    customer = customer or (ticket.customer if ticket else None)
    program_id = program_for_new_record(
        actor=actor,
        related={
            "ticket": ticket.program_id if ticket is not None else None,
            "customer": customer.program_id if customer is not None else None,
        },
    ).pk
    if ticket is not None and not permissions.can_work_ticket(actor, ticket):
        raise NotAllowed("You may not schedule follow-ups on this ticket.")
    if not can_serve_program(actor, program_id):
        raise NotAllowed("You do not serve this program.")
    team = None
    if owner is None and Team.objects.filter(programs=program_id, is_active=True, memberships__user=actor).exists():
        owner = actor
    elif owner is None:
        routed = route(
            program=ticket.program if ticket is not None else customer.program,
            team=ticket.team if ticket is not None else None,
            customer=customer,
            language=customer.preferred_language if customer is not None else "",
        )
        owner, team = routed.agent, routed.team
    if owner is not None and not can_serve_program(owner, program_id):
        raise ValidationError({"owner": [f"{owner.get_username()} does not serve this program."]})
    zone = customer.time_zone if customer is not None else "UTC"
    due = wall_clock_to_utc(due_at, zone, field="due_at")
    if due < timezone.now() - timedelta(minutes=1):
        raise ValidationError({"due_at": ["Pick a time in the future."]})
    if customer is not None:
        # A callback is an outbound call at its due time (invariant 12).
        outbound_check(
            actor=actor, program=customer.program, customer=customer, at=due, time_field="due_at", path="callback"
        )
    return FollowUp.objects.create(
        program_id=program_id,
        ticket=ticket,
        customer=customer,
        owner=owner,
        team=team,
        due_at=due,
        note=redact_text(note or ""),
        reopen_ticket=reopen_ticket and ticket is not None,
    )


def _finish(*, actor: User, follow_up: FollowUp, status: str) -> FollowUp:
    if not permissions.can_manage_follow_up(actor, follow_up):
        raise NotAllowed("This follow-up is not yours.")
    with transaction.atomic():
        locked = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
        if locked.status == status:
            return locked
        if locked.status != FollowUp.Status.SCHEDULED:
            raise InvalidTransition(entity="follow-up", current=locked.status, target=status)
        locked.status = status
        locked.completed_at = timezone.now()
        locked.save(update_fields=["status", "completed_at", "updated_at"])
    return locked


def follow_up_complete(*, actor: User, follow_up: FollowUp) -> FollowUp:
    return _finish(actor=actor, follow_up=follow_up, status=FollowUp.Status.DONE)


def follow_up_cancel(*, actor: User, follow_up: FollowUp) -> FollowUp:
    return _finish(actor=actor, follow_up=follow_up, status=FollowUp.Status.CANCELLED)


def _deliver(follow_up: FollowUp, now: datetime) -> None:
    """Inside the claiming transaction: notify once, reopen a waiting ticket, stamp the row."""
    # Notifications name records by number, never by customer data (erasure cannot reach them).
    subject = follow_up.ticket.number if follow_up.ticket else f"customer #{follow_up.customer_id}"
    url = f"/tickets/{follow_up.ticket_id}/" if follow_up.ticket_id else f"/customers/{follow_up.customer_id}/"
    recipients: Sequence[User]
    if follow_up.owner is not None:
        recipients = [follow_up.owner]
        dedupe = f"follow-up:{follow_up.pk}:due"
    else:
        # Nobody's yet: the team's members who are available now, else all of them.
        recipients = team_members_to_alert(team=follow_up.team)
        dedupe = f"follow-up:{follow_up.pk}:due:{{}}"
    for person in recipients:
        notification_send(
            recipient=person,
            kind="follow_up.due",
            title=f"Call back due: {subject}" + ("" if follow_up.owner is not None else " (team, unowned)"),
            url=url,
            dedupe_key=dedupe.format(person.pk),
        )
    ticket = follow_up.ticket
    if follow_up.reopen_ticket and ticket is not None and ticket.status == Ticket.Status.PENDING_CUSTOMER:
        # Through the one state machine: the table, the event and ``ticket.updated`` as for any other move.
        ticket_transition_by_system(
            ticket=ticket, status=Ticket.Status.OPEN, note="No answer from the customer by the follow-up time."
        )
    follow_up.notified_at = now
    follow_up.save(update_fields=["notified_at", "updated_at"])
    publish(
        "follow_up.due",
        program_id=follow_up.program_id,
        payload={
            "follow_up_id": follow_up.pk,
            "ticket_id": follow_up.ticket_id,
            "owner_id": follow_up.owner_id,
            "team_id": follow_up.team_id,
        },
    )


def follow_ups_deliver_due(*, batch_size: int = DISPATCH_BATCH, time_budget: float = 50.0) -> int:
    """Delivers every due reminder, one short transaction per batch; safe to run in many workers at once."""
    delivered = 0
    started = time.monotonic()
    while time.monotonic() - started < time_budget:
        now = timezone.now()
        with transaction.atomic():
            batch = list(
                FollowUp.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(status=FollowUp.Status.SCHEDULED, notified_at__isnull=True, due_at__lte=now)
                .select_related("owner", "team", "ticket", "customer")
                .order_by("due_at", "id")[:batch_size]
            )
            for follow_up in batch:
                _deliver(follow_up, now)
        if batch:
            delivered += len(batch)
            logger.info("follow-ups: delivered a batch of %d reminders", len(batch))
        if len(batch) < batch_size:
            break
    if delivered:
        audit_record(action="follow_up.deliver", actor_label=SYSTEM_ACTOR, data={"delivered": delivered})
    return delivered

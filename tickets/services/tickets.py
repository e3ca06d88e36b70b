"""Ticket writes: create with routing and SLA, one service per change, each one an event on the timeline."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from agents.models import Program, Team, User
from agents.permissions import can_serve_program
from agents.selectors import program_for_new_record
from agents.services import audit_record
from config.errors import InvalidTransition, NotAllowed
from config.events import publish
from config.redaction import redact_text, refuse_card
from config.rows import insert, insert_rows
from crm.models import Call, Customer
from tickets import permissions
from tickets.models import TRANSITIONS, Category, Channel, Comment, Priority, Ticket, TicketEvent
from tickets.services.routing import route
from tickets.services.sla import sla_pause, sla_resume, sla_set_due


def _event(ticket: Ticket, kind: str, actor: User | None, old: Any = "", new: Any = "", note: str = "") -> TicketEvent:
    return TicketEvent.objects.create(**_event_fields(ticket, kind, actor, old, new, note))


def _event_fields(
    ticket: Ticket, kind: str, actor: User | None, old: Any = "", new: Any = "", note: str = ""
) -> dict[str, Any]:
    """A timeline entry's values, bounded and redacted here (``insert_rows`` skips the ``pre_save`` guard)."""
    return {
        "ticket": ticket,
        "kind": kind,
        "actor": actor if isinstance(actor, User) else None,
        "old_value": str(old or "")[:200],
        "new_value": str(new or "")[:200],
        "note": redact_text(note),
    }


def _changed(ticket: Ticket, fields: list[str]) -> None:
    publish("ticket.updated", program_id=ticket.program_id, payload={"ticket_id": ticket.pk, "changed": fields})


def ticket_create(
    *,
    actor: User,
    subject: str,
    program: Program | int | None = None,
    description: str = "",
    customer: Customer | None = None,
    category: Category | None = None,
    team: Team | None = None,
    priority: str = Priority.NORMAL,
    channel: str = Channel.PHONE,
    tags: list[str] | None = None,
    call: Call | None = None,
    language: str = "",
) -> Ticket:
    """Creates a ticket routed by ``tickets.services.routing``, with SLA due times, and links ``call`` to it,
    all in one transaction: a refusal leaves nothing behind. Publishes ``ticket.created``."""
    if program is None and customer is not None:
        program = customer.program  # loaded with the customer when the caller selected it (no query)
    program = program_for_new_record(
        actor=actor,
        program=program,
        related={
            "customer": customer.program_id if customer is not None else None,
            "call": call.program_id if call is not None else None,
            "category": category.program_id if category is not None else None,
        },
    )
    if not permissions.can_create_ticket(actor, program.pk):
        raise NotAllowed("You do not serve this program.")
    subject = redact_text((subject or "").strip())
    if not subject:
        raise ValidationError({"subject": ["Give the ticket a subject."]})
    for tag in tags or []:
        refuse_card("tags", tag)
    if call is not None and customer is not None and call.customer_id not in (None, customer.pk):
        raise ValidationError({"call": ["This call was with another customer."]})
    if priority not in Priority.values:
        raise ValidationError({"priority": [f"Unknown priority {priority!r}."]})
    language = (language or (customer.preferred_language if customer is not None else "")).strip().lower()
    routed = route(
        program=program,
        team=team,
        category=category,
        customer=customer,
        language=language,
        taken_by=actor if call is not None and isinstance(actor, User) else None,
    )
    team, assignee = routed.team, routed.agent
    ticket = Ticket(
        subject=subject[:200],
        description=redact_text(description or ""),
        program=program,
        customer=customer,
        category=category,
        team=team,
        assignee=assignee,
        created_by=actor if isinstance(actor, User) else None,
        priority=priority,
        channel=channel,
        tags=tags or [],
        language=language[:8],
        created_at=timezone.now(),
    )
    sla_set_due(ticket)
    with transaction.atomic():
        insert(ticket)  # as save() would, in a statement written once (config/rows.py)
        # The opening entries of the timeline go in one statement.
        events = [_event_fields(ticket, TicketEvent.Kind.CREATED, actor, new=ticket.number)]
        if assignee is not None:
            events.append(
                _event_fields(ticket, TicketEvent.Kind.ASSIGNEE, actor, new=assignee.get_username(), note=routed.why)
            )
        insert_rows(TicketEvent, events)  # one statement, built without the ORM's per-call query building
        if call is not None:
            _link_call(actor=actor, ticket=ticket, call=call)
        publish("ticket.created", program=program, payload={"ticket_id": ticket.pk, "number": ticket.number})
    return ticket


def _locked(ticket: Ticket) -> Ticket:
    return (
        Ticket.objects.select_for_update(of=("self",)).select_related("team", "assignee", "program").get(pk=ticket.pk)
    )


def ticket_transition(*, actor: User, ticket: Ticket, status: str, note: str = "") -> Ticket:
    """Moves the ticket along the transition table; already there is a no-op, a forbidden move names both states."""
    if not permissions.can_work_ticket(actor, ticket):
        raise NotAllowed("You may not change this ticket.")
    return _transition(actor=actor, ticket=ticket, status=status, note=note)


def ticket_transition_by_system(*, ticket: Ticket, status: str, note: str) -> Ticket:
    """The same state machine for the product's own moves (a follow-up reopening a waiting ticket)."""
    return _transition(actor=None, ticket=ticket, status=status, note=note)


def _transition(*, actor: User | None, ticket: Ticket, status: str, note: str) -> Ticket:
    """Every status change goes through here: the table, the timestamps, the event and ``ticket.updated``."""
    if status not in Ticket.Status.values:
        raise ValidationError({"status": [f"Unknown status {status!r}."]})
    with transaction.atomic():
        locked = _locked(ticket)
        if locked.status == status:
            return locked
        if status not in TRANSITIONS[locked.status]:
            raise InvalidTransition(entity=f"ticket {locked.number}", current=locked.status, target=status)
        old = locked.status
        locked.status = status
        fields = ["status"]
        now = timezone.now()
        if status == Ticket.Status.RESOLVED:
            locked.resolved_at = now
            fields.append("resolved_at")
        elif status == Ticket.Status.CLOSED:
            locked.closed_at = now
            fields.append("closed_at")
        elif old == Ticket.Status.RESOLVED:
            locked.resolved_at = None
            fields.append("resolved_at")
        if status == Ticket.Status.PENDING_CUSTOMER:
            fields += sla_pause(locked, now=now)
        elif old == Ticket.Status.PENDING_CUSTOMER:
            fields += sla_resume(locked, now=now)
        if locked.first_responded_at is None and status != Ticket.Status.NEW and actor is not None:
            locked.first_responded_at = now
            fields.append("first_responded_at")
        locked.save(update_fields=[*fields, "updated_at"])
        _event(locked, TicketEvent.Kind.STATUS, actor, old, status, note)
        _changed(locked, ["status"])
    return locked


def ticket_assign(*, actor: User, ticket: Ticket, assignee: User | None) -> Ticket:
    """Supervisors (and integrators) reassign; the new assignee must serve the ticket's program."""
    if not permissions.can_reassign_ticket(actor, ticket):
        raise NotAllowed("Only a supervisor of this team may reassign the ticket.")
    return _set_assignee(actor=actor, ticket=ticket, assignee=assignee)


def ticket_take(*, actor: User, ticket: Ticket) -> Ticket:
    """An agent takes an unassigned ticket from its team's queue."""
    if not permissions.can_take_ticket(actor, ticket):
        raise NotAllowed("This ticket is not unassigned in one of your queues.")
    return _set_assignee(actor=actor, ticket=ticket, assignee=actor, only_if_unassigned=True)


def _set_assignee(*, actor: User, ticket: Ticket, assignee: User | None, only_if_unassigned: bool = False) -> Ticket:
    if assignee is not None and not can_serve_program(assignee, ticket.program_id):
        raise ValidationError({"assignee": [f"{assignee.get_username()} does not serve this program."]})
    with transaction.atomic():
        locked = _locked(ticket)
        if locked.assignee_id == (assignee.pk if assignee else None):
            return locked
        if only_if_unassigned and locked.assignee_id is not None:
            raise NotAllowed("Someone else took this ticket a moment ago.")
        old = locked.assignee.get_username() if locked.assignee else ""
        locked.assignee = assignee
        locked.save(update_fields=["assignee", "updated_at"])
        _event(locked, TicketEvent.Kind.ASSIGNEE, actor, old, assignee.get_username() if assignee else "")
        _changed(locked, ["assignee"])
    if assignee is not None and assignee != actor:
        from agents.services import notification_send

        notification_send(
            recipient=assignee,
            kind="ticket.assigned",
            title=f"{locked.number} was assigned to you",
            url=f"/tickets/{locked.pk}/",
        )
    return locked


def ticket_transfer(*, actor: User, ticket: Ticket, team: Team, note: str) -> Ticket:
    """Redirects the matter to a specialised team with a mandatory note; history and SLA clock are kept."""
    if not permissions.can_work_ticket(actor, ticket):
        raise NotAllowed("You may not transfer this ticket.")
    note = redact_text((note or "").strip())
    if not note:
        raise ValidationError({"note": ["Say why you transfer the ticket: the next team reads it first."]})
    if not team.programs.filter(pk=ticket.program_id).exists():
        raise ValidationError({"team": [f"{team.name} does not serve this ticket's program."]})
    with transaction.atomic():
        locked = _locked(ticket)
        if locked.team_id == team.pk:
            return locked
        old_team = locked.team.name if locked.team else ""
        old_assignee = locked.assignee.get_username() if locked.assignee else ""
        locked.team = team
        locked.assignee = None
        locked.save(update_fields=["team", "assignee", "updated_at"])
        _event(locked, TicketEvent.Kind.TEAM, actor, old_team, team.name, note)
        if old_assignee:
            _event(locked, TicketEvent.Kind.ASSIGNEE, actor, old_assignee, "", "transfer")
        Comment.objects.create(ticket=locked, author=actor if isinstance(actor, User) else None, body=note)
        _changed(locked, ["team", "assignee"])
        audit_record(action="ticket.transfer", actor=actor, obj=locked, data={"team": team.pk})
    return locked


def ticket_set_priority(*, actor: User, ticket: Ticket, priority: str) -> Ticket:
    if not permissions.can_work_ticket(actor, ticket):
        raise NotAllowed("You may not change this ticket.")
    if priority not in Priority.values:
        raise ValidationError({"priority": [f"Unknown priority {priority!r}."]})
    with transaction.atomic():
        locked = _locked(ticket)
        if locked.priority == priority:
            return locked
        old = locked.priority
        locked.priority = priority
        # The clock keeps running from creation; only the targets change with the priority.
        locked.save(update_fields=["priority", *sla_set_due(locked), "updated_at"])
        _event(locked, TicketEvent.Kind.PRIORITY, actor, old, priority)
        _changed(locked, ["priority"])
    return locked


def ticket_comment_add(
    *, actor: User, ticket: Ticket, body: str, is_internal: bool = True, from_customer: bool = False
) -> Comment:
    """A reply or internal note (redacted); the first public reply by staff counts as the first response.

    ``from_customer``: the customer's own words, relayed (an email gateway, an agent typing what the customer
    wrote): a public comment that is no response, and a ticket waiting on the customer goes back to open,
    which restarts its SLA clock."""
    if not permissions.can_work_ticket(actor, ticket):
        raise NotAllowed("You may not comment on this ticket.")
    body = redact_text((body or "").strip())
    if not body:
        raise ValidationError({"body": ["Write something first."]})
    is_internal = is_internal and not from_customer
    with transaction.atomic():
        comment = Comment.objects.create(
            ticket=ticket,
            author=actor if isinstance(actor, User) else None,
            body=body,
            is_internal=is_internal,
            from_customer=from_customer,
        )
        updated = Ticket.objects.filter(pk=ticket.pk)
        if not is_internal and not from_customer:
            updated.filter(first_responded_at__isnull=True).update(first_responded_at=timezone.now())
        updated.update(updated_at=timezone.now())
        if from_customer and _locked(ticket).status == Ticket.Status.PENDING_CUSTOMER:
            _transition(actor=None, ticket=ticket, status=Ticket.Status.OPEN, note="The customer replied.")
        _changed(ticket, ["comments"])
    return comment


def ticket_create_from_call(*, actor: User, call: Call, subject: str = "", category: Category | None = None) -> Ticket:
    """One step from a logged call: a ticket for its customer, with the call's notes, and the call linked."""
    subject = subject or (call.notes.splitlines()[0][:120] if call.notes else "") or "Follow-up from call"
    return ticket_create(
        actor=actor,
        subject=subject,
        description=call.notes,
        customer=call.customer,
        category=category,
        channel=Channel.PHONE,
        call=call,
    )


def ticket_attach_call(*, actor: User, ticket: Ticket, call: Call) -> Ticket:
    if not permissions.can_work_ticket(actor, ticket) or call.program_id != ticket.program_id:
        raise NotAllowed("This call cannot be linked to this ticket.")
    with transaction.atomic():
        _link_call(actor=actor, ticket=ticket, call=call)
    return ticket


def _link_call(*, actor: User, ticket: Ticket, call: Call) -> None:
    Call.objects.filter(pk=call.pk).update(ticket=ticket, updated_at=timezone.now())
    _event(ticket, TicketEvent.Kind.CALL, actor, new=f"call {call.pk}")

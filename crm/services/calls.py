"""The call log: an agent logs a call while talking; telephony upserts calls by ``external_id``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from agents.models import Program, User
from agents.permissions import can_serve_program
from config.errors import NotAllowed
from config.events import publish
from config.redaction import redact_text, refuse_card
from crm import permissions
from crm.models import Call, CallDirection, Disposition
from crm.phones import try_normalize_phone
from crm.selectors import call_by_external_id
from crm.services.customers import customer_touch
from crm.services.live_calls import call_replay
from crm.services.outbound import outbound_check

# Fields telephony and agents may set. Durations and the state are derived (crm.services.live_calls).
CALL_FIELDS = (
    "external_id",
    "direction",
    "customer",
    "agent",
    "phone_number",
    "dialed_number",
    "queued_at",
    "started_at",
    "answered_at",
    "ended_at",
    "disposition",
    "notes",
    "ticket",
    "first_contact_resolution",
    "recording_url",
)


RULE_FIELDS = ("direction", "customer", "phone_number", "started_at")


def _fields(call: Call, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(call, name) for name in names}


def _clean(values: dict[str, Any], *, program: Program) -> dict[str, Any]:
    unknown = set(values) - set(CALL_FIELDS)
    if unknown:
        raise TypeError(f"unknown call fields: {sorted(unknown)}")
    cleaned = dict(values)
    if cleaned.get("external_id") == "":
        cleaned["external_id"] = None  # hand-logged calls share no external id
    refuse_card("external_id", cleaned.get("external_id"))
    refuse_card("recording_url", cleaned.get("recording_url"))
    if "notes" in cleaned:
        cleaned["notes"] = redact_text(cleaned["notes"] or "")
    for name in ("phone_number", "dialed_number"):
        if cleaned.get(name):
            number = try_normalize_phone(cleaned[name], region=program.default_region or "US")
            if number is None:
                raise ValidationError({name: [f"{cleaned[name]!r} is not a phone number."]})
            cleaned[name] = number
    if cleaned.get("direction") and cleaned["direction"] not in CallDirection.values:
        raise ValidationError({"direction": ["Choose inbound or outbound."]})
    if cleaned.get("disposition") and cleaned["disposition"] not in Disposition.values:
        raise ValidationError({"disposition": [f"Unknown disposition {cleaned['disposition']!r}."]})
    customer = cleaned.get("customer")
    if customer is not None and customer.program_id != program.pk:
        raise ValidationError({"customer": ["This customer belongs to another program."]})
    ticket = cleaned.get("ticket")
    if ticket is not None and ticket.program_id != program.pk:
        raise ValidationError({"ticket": ["This ticket belongs to another program."]})
    agent = cleaned.get("agent")
    if agent is not None and not can_serve_program(agent, program.pk):
        raise ValidationError({"agent": [f"{agent.get_username()} does not serve this program."]})
    return cleaned


def _outbound_rules(*, actor: User, program: Program, values: dict[str, Any]) -> None:
    """Invariant 12 for a call logged or changed by hand or through the API (crm.services.outbound)."""
    if values.get("direction") != CallDirection.OUTBOUND:
        return
    outbound_check(
        actor=actor,
        program=program,
        customer=values.get("customer"),
        number=values.get("phone_number") or "",
        at=values.get("started_at"),
        path="api" if getattr(actor, "role", "") == "integrator" else "manual",
    )


def _after_save(call: Call, *, created: bool, program: Program) -> None:
    if call.customer_id:
        customer_touch(customer_id=call.customer_id)
    publish(
        "call.logged" if created else "call.updated",
        program=program,
        payload={
            "call_id": call.pk,
            "external_id": call.external_id,
            "customer_id": call.customer_id,
            "state": call.state,
        },
    )


def call_log_create(*, actor: User, program: Program, direction: str, **values: Any) -> Call:
    """Logs a call (publishes ``call.logged``); an outbound call the rules forbid is refused (invariant 12)."""
    if not permissions.can_log_call(actor, program.pk):
        raise NotAllowed("You do not serve this program.")
    values.setdefault("started_at", timezone.now())
    if actor is not None and getattr(actor, "role", "") != "integrator":
        values.setdefault("agent", actor)
    cleaned = _clean({"direction": direction, **values}, program=program)
    _outbound_rules(actor=actor, program=program, values=cleaned)
    with transaction.atomic():
        call = Call(program=program, **cleaned)
        call_replay(call)
        call.save()
        _after_save(call, created=True, program=program)
    return call


def call_log_update(*, actor: User, call: Call, **values: Any) -> Call:
    """Updates a logged call (telephony events, the agent's wrap-up)."""
    if not permissions.can_edit_call(actor, call):
        raise NotAllowed("You may not change this call.")
    cleaned = _clean(values, program=call.program)
    with transaction.atomic():
        locked = Call.objects.select_for_update().get(pk=call.pk)
        changed = [name for name, value in cleaned.items() if getattr(locked, name) != value]
        for name in changed:
            setattr(locked, name, cleaned[name])
        if {"direction", "customer", "phone_number"} & set(changed):
            # The call now goes to someone else: the rules as of its start.
            _outbound_rules(actor=actor, program=call.program, values=_fields(locked, RULE_FIELDS))
        changed += call_replay(locked)
        if changed:
            locked.save(update_fields=[*set(changed), "updated_at"])
            _after_save(locked, created=False, program=call.program)
    return locked


def call_upsert(*, actor: User, program: Program, external_id: str, **values: Any) -> tuple[Call, bool]:
    """Telephony's create-or-update by ``external_id`` within a program; safe to retry. Returns (call, created)."""
    if not permissions.can_log_call(actor, program.pk):
        raise NotAllowed("You do not serve this program.")
    refuse_card("external_id", external_id)
    existing = call_by_external_id(program_id=program.pk, external_id=external_id)
    if existing is not None:
        return call_log_update(actor=actor, call=existing, **values), False
    direction = values.pop("direction", None)
    if not direction:
        raise ValidationError({"direction": ["This field is required."]})
    try:
        # call_log_create's own transaction (a savepoint inside a caller's) is what an IntegrityError rolls back.
        return call_log_create(
            actor=actor, program=program, direction=direction, external_id=external_id, **values
        ), True
    except IntegrityError:
        # Two deliveries of the same telephony event raced: the other one created it. Any other refusal stands.
        existing = call_by_external_id(program_id=program.pk, external_id=external_id)
        if existing is None:
            raise
        return call_log_update(actor=actor, call=existing, direction=direction, **values), False

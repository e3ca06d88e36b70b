"""The live call: telephony events (or the agent's call bar) drive a call through its states.

    ringing -> connected <-> on_hold -> wrap_up -> completed      (plus abandoned, missed)

Every event is stored once (unique per call, event and time), then the call's timestamps,
durations and state are *replayed* from all of its events in time order. So a resent event
changes nothing, and an event that arrives late or out of order lands where it belongs.
Durations are derived, never typed (DESIGN "call (live)"):

    wait = answered - queued (abandoned: abandon - queued)   talk = ended - answered - hold
    hold = the sum of hold segments (a hold still open at the end closes there)
    wrap-up = wrap_up_done - ended

The call's agent follows the call (on_call, wrap_up, available again); every change is pushed to
the agent's open tabs, which show the caller at once (the screen pop).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from agents.models import AgentState, Program, User
from agents.permissions import Actor, can_serve_program, home_region
from agents.selectors import program_for_dialed_number, program_for_new_record
from agents.services import StateRefused, agent_state_set
from config.errors import DomainError, NotAllowed
from config.events import publish
from config.push import push_to_users
from config.redaction import redact_text, refuse_card
from crm import permissions
from crm.models import (
    FINAL_STATES,
    LIVE_STATES,
    Call,
    CallDirection,
    CallEvent,
    CallEventKind,
    CallState,
    Customer,
    WrapUpCode,
)
from crm.phones import try_normalize_phone
from crm.selectors import call_by_external_id, customer_ids_with_number
from crm.services.customers import customer_touch
from crm.services.outbound import outbound_check, outbound_violation_reported

# Within one instant, events apply in the order a call lives them.
_ORDER = {kind: rank for rank, kind in enumerate(CallEventKind.values)}
_AGENT_EVENTS = {CallEventKind.RING, CallEventKind.ANSWER, CallEventKind.TRANSFER}


@dataclass(frozen=True)
class _Event:
    event: str
    at: datetime
    agent_id: int | None


def _seconds(later: datetime | None, earlier: datetime | None) -> int:
    if later is None or earlier is None:
        return 0
    return max(0, int((later - earlier).total_seconds()))


def _replay(call: Call, events: Iterable[_Event], *, has_codes: Callable[[], bool]) -> list[str]:
    """Sets the call's derived fields from its events (or, with none, from its timestamps); returns
    the names of the fields that changed. ``has_codes`` (whether the program asks for a wrap-up code) is
    asked only for an ended call with events, the one state it decides."""
    ordered = sorted(events, key=lambda e: (e.at, _ORDER[e.event]))
    before = {name: getattr(call, name) for name in _DERIVED}
    if ordered:
        first_of: dict[str, datetime] = {}
        for e in ordered:
            first_of.setdefault(e.event, e.at)
        call.queued_at = first_of.get(CallEventKind.QUEUE, ordered[0].at)
        call.started_at = min(call.queued_at, ordered[0].at)
        call.answered_at = first_of.get(CallEventKind.ANSWER)
        ends = [at for kind, at in first_of.items() if kind in (CallEventKind.END, CallEventKind.ABANDON)]
        call.ended_at = min(ends) if ends else None
        call.wrap_up_done_at = first_of.get(CallEventKind.WRAP_UP_DONE) if call.ended_at else None
        call.transferred = CallEventKind.TRANSFER in first_of
        agents = [e.agent_id for e in ordered if e.event in _AGENT_EVENTS and e.agent_id]
        if agents:
            call.agent_id = agents[-1]
        hold, held_since = 0, None
        for e in ordered:
            if call.answered_at is None or e.at < call.answered_at:
                continue
            if call.ended_at is not None and e.at > call.ended_at:
                break
            if e.event == CallEventKind.HOLD and held_since is None:
                held_since = e.at
            elif e.event == CallEventKind.RESUME and held_since is not None:
                hold += _seconds(e.at, held_since)
                held_since = None
        if held_since is not None and call.ended_at is not None:
            hold += _seconds(call.ended_at, held_since)
            held_since = None
        call.hold_seconds = hold
        on_hold = held_since is not None
        abandoned = CallEventKind.ABANDON in first_of and call.answered_at is None
    else:
        call.queued_at = call.queued_at or call.started_at
        on_hold = False
        abandoned = call.disposition == "abandoned" and call.answered_at is None
    if call.ended_at and call.started_at and call.ended_at < call.started_at:
        raise ValidationError({"ended_at": ["The call cannot end before it started."]})
    call.wait_seconds = _seconds(call.answered_at or (call.ended_at if abandoned else None), call.queued_at)
    call.talk_seconds = max(0, _seconds(call.ended_at, call.answered_at) - call.hold_seconds)
    call.wrap_up_seconds = _seconds(call.wrap_up_done_at, call.ended_at)
    if abandoned:
        call.state = CallState.ABANDONED
    elif call.ended_at and not call.answered_at:
        call.state = CallState.MISSED
    elif call.ended_at and not ordered:
        call.state = CallState.COMPLETED  # logged after the fact: there is no wrap-up to wait for
    elif call.ended_at:
        finished = call.wrap_up_done_at is not None and (call.wrap_up_code_id or not has_codes())
        call.state = CallState.COMPLETED if finished else CallState.WRAP_UP
    elif call.answered_at:
        call.state = CallState.ON_HOLD if on_hold else CallState.CONNECTED
    else:
        call.state = CallState.RINGING
    return [name for name in _DERIVED if getattr(call, name) != before[name]]


_DERIVED = (
    "queued_at",
    "started_at",
    "answered_at",
    "ended_at",
    "wrap_up_done_at",
    "transferred",
    "agent_id",
    "wait_seconds",
    "talk_seconds",
    "hold_seconds",
    "wrap_up_seconds",
    "state",
)


def program_has_wrap_up_codes(program_id: int) -> bool:
    return WrapUpCode.objects.filter(program_id=program_id, is_active=True).exists()


def call_replay(call: Call) -> list[str]:
    """Re-derives a (locked) call from its stored events; the caller saves the changed fields."""
    # A call not yet saved has no events (and reading none still costs the ORM a compile per call logged).
    events = [_Event(e.event, e.at, e.agent_id) for e in CallEvent.objects.filter(call=call)] if call.pk else []
    return _replay(call, events, has_codes=lambda: program_has_wrap_up_codes(call.program_id))


# What the agent's state becomes when its call reaches a state.
_AGENT_STATE_FOR = {
    CallState.RINGING: AgentState.ON_CALL,
    CallState.CONNECTED: AgentState.ON_CALL,
    CallState.ON_HOLD: AgentState.ON_CALL,
    CallState.WRAP_UP: AgentState.WRAP_UP,
}


def _follow_agents(call: Call, *, previous_state: str, previous_agent_id: int | None) -> None:
    """The agents' states follow the call, and their tabs are told (inside the transaction; pushed after)."""
    if previous_agent_id and previous_agent_id != call.agent_id:
        # Transferred away: the first agent is free again, the second takes over.
        _agent_becomes(previous_agent_id, AgentState.AVAILABLE)
        push_to_users([previous_agent_id], "call", call=call.pk, state="transferred")
    if call.agent_id is None:
        return
    if call.state in _AGENT_STATE_FOR:
        _agent_becomes(call.agent_id, _AGENT_STATE_FOR[CallState(call.state)])
    elif previous_state in LIVE_STATES:
        _agent_becomes(call.agent_id, AgentState.AVAILABLE)
    push_to_users([call.agent_id], "call", call=call.pk, state=call.state)


def _agent_becomes(user_id: int, state: str) -> None:
    agent = User.objects.filter(pk=user_id, is_active=True).first()
    if agent is None:
        return
    if state == AgentState.AVAILABLE:
        current = agent.state_spans.filter(ended_at__isnull=True).values_list("state", flat=True).first()
        if current not in (AgentState.ON_CALL, AgentState.WRAP_UP):
            return  # a break or offline chosen meanwhile stays chosen
    # StateRefused: another call of this agent still waits for its wrap-up code.
    with contextlib.suppress(StateRefused):
        agent_state_set(actor=None, agent=agent, state=state, source="call")


def call_event_apply(*, actor: Actor, call: Call, event: str, at: datetime, agent: User | None = None) -> Call:
    """Stores one event of ``call`` (a repeat is a no-op), replays the call, moves its agent's state,
    pushes the change to the agent's tabs, publishes ``call.updated``."""
    if event not in CallEventKind.values:
        expected = ", ".join(CallEventKind.values)
        raise ValidationError({"event": [f"Unknown event {event!r}; expected one of {expected}."]})
    if timezone.is_naive(at):
        raise ValidationError({"at": ["Give the time with its UTC offset."]})
    if agent is not None and not can_serve_program(agent, call.program_id):
        raise ValidationError({"agent": [f"{agent.get_username()} does not serve this program."]})
    if not permissions.can_edit_call(actor, call):
        raise NotAllowed("You may not change this call.")
    with transaction.atomic():
        # The call's row lock serialises its events, so "already stored?" cannot race; the unique
        # constraint (call, event, at) backs it for any other writer.
        locked = Call.objects.select_for_update().get(pk=call.pk)
        if CallEvent.objects.filter(call=locked, event=event, at=at).exists():
            return locked
        CallEvent.objects.create(call=locked, event=event, at=at, agent=agent)
        previous_state, previous_agent_id = locked.state, locked.agent_id
        changed = call_replay(locked)
        if changed:
            locked.save(update_fields=[*changed, "updated_at"])
            _follow_agents(locked, previous_state=previous_state, previous_agent_id=previous_agent_id)
            _announce(locked)
    return locked


def _announce(call: Call) -> None:
    publish(
        "call.updated",
        program_id=call.program_id,
        payload={"call_id": call.pk, "external_id": call.external_id, "state": call.state},
    )


def call_event_record(
    *,
    actor: Actor,
    external_id: str,
    event: str,
    at: datetime,
    direction: str | None = None,
    agent: User | None = None,
    phone_number: str = "",
    dialed: str = "",
) -> tuple[Call, bool]:
    """Telephony's entry point (``POST /api/v1/calls/events/``): finds the call by external id in the
    program the dialed number (else the integrator's only program) names, creating it for an unknown
    id, then applies the event. Returns (call, created); safe to resend."""
    refuse_card("external_id", external_id)
    program, dialed_e164 = _program_for_event(actor, dialed)
    call = call_by_external_id(program_id=program.pk, external_id=external_id)
    created = False
    if call is None:
        call, created = _call_for_first_event(
            actor=actor,
            program=program,
            external_id=external_id,
            at=at,
            direction=direction or CallDirection.INBOUND,
            phone_number=phone_number,
            dialed=dialed_e164,
        )
    return call_event_apply(actor=actor, call=call, event=event, at=at, agent=agent), created


def _program_for_event(actor: Actor, dialed: str) -> tuple[Program, str]:
    """The program the call belongs to, and the dialed number as E.164 ("" when not given)."""
    if dialed:
        number = try_normalize_phone(dialed, region=home_region(actor))
        program = program_for_dialed_number(number=number) if number else None
        if program is None or number is None:
            raise ValidationError({"dialed": [f"{dialed!r} is not a number of any program."]})
        return program_for_new_record(actor=actor, program=program), number
    return program_for_new_record(actor=actor), ""


def _call_for_first_event(
    *, actor: Actor, program: Program, external_id: str, at: datetime, direction: str, phone_number: str, dialed: str
) -> tuple[Call, bool]:
    """``dialed`` is already E.164 (or "")."""
    if direction not in CallDirection.values:
        raise ValidationError({"direction": ["Choose inbound or outbound."]})
    if not permissions.can_log_call(actor, program.pk):
        raise NotAllowed("You do not serve this program.")
    caller = try_normalize_phone(phone_number, region=program.default_region or "US") if phone_number else ""
    if phone_number and caller is None:
        raise ValidationError({"phone_number": [f"{phone_number!r} is not a phone number."]})
    matches = customer_ids_with_number(program_id=program.pk, e164=caller or "")
    try:
        with transaction.atomic():
            call = Call.objects.create(
                program=program,
                external_id=external_id,
                direction=direction,
                phone_number=caller or "",
                dialed_number=dialed,
                # Exactly one customer with this number is the caller; several wait for the agent's pick.
                customer_id=matches[0] if len(matches) == 1 else None,
                started_at=at,
                queued_at=at,
                state=CallState.RINGING,
            )
            if direction == CallDirection.OUTBOUND:
                outbound_violation_reported(program=program, customer=call.customer, number=call.phone_number, at=at)
            publish(
                "call.logged",
                program=program,
                payload={
                    "call_id": call.pk,
                    "external_id": external_id,
                    "customer_id": call.customer_id,
                    "state": call.state,
                },
            )
            return call, True
    except IntegrityError:
        # Two first events of one call raced: the other request created it.
        return Call.objects.get(program=program, external_id=external_id), False


# --- The agent's call bar: the same lifecycle, driven from the web UI -------------------------


def call_answer(*, actor: User, customer: Customer | None, direction: str, phone_number: str = "") -> Call:
    """The agent starts (or answers) a call by hand: stored at once, connected, the agent on a call."""
    program = customer.program if customer is not None else program_for_new_record(actor=actor)
    if not permissions.can_log_call(actor, program.pk):
        raise NotAllowed("You do not serve this program.")
    caller = try_normalize_phone(phone_number, region=program.default_region or "US") if phone_number else ""
    if phone_number and caller is None:
        raise ValidationError({"phone_number": [f"{phone_number!r} is not a phone number."]})
    if direction == CallDirection.OUTBOUND:
        outbound_check(actor=actor, program=program, customer=customer, number=caller or "", path="call_bar")
    if live_call_for(actor) is not None:
        raise CallInProgress("Finish the call you are on before starting another.", field="call")
    now = timezone.now()
    with transaction.atomic():
        call = Call.objects.create(
            program=program,
            direction=direction,
            customer=customer,
            agent=actor,
            phone_number=caller or "",
            started_at=now,
            queued_at=now,
            state=CallState.RINGING,
        )
        if customer is not None:
            customer_touch(customer_id=customer.pk)
        publish(
            "call.logged",
            program=program,
            payload={"call_id": call.pk, "customer_id": call.customer_id, "state": call.state},
        )
        return call_event_apply(actor=actor, call=call, event=CallEventKind.ANSWER, at=now, agent=actor)


def call_step(*, actor: User, call: Call, event: str) -> Call:
    """Answer, hold, resume or hang up from the call bar, at the server's clock."""
    if event not in (CallEventKind.ANSWER, CallEventKind.HOLD, CallEventKind.RESUME, CallEventKind.END):
        raise ValidationError({"event": [f"{event!r} is not an action of the call bar."]})
    if call.state in FINAL_STATES:
        raise CallInProgress(f"This call is already {call.get_state_display().lower()}.", field="call")
    return call_event_apply(actor=actor, call=call, event=event, at=timezone.now(), agent=actor)


def call_notes_draft_save(*, actor: User, call: Call, text: str) -> Call:
    """Autosave of the notes typed during the call (redacted like every note)."""
    if not permissions.can_edit_call(actor, call):
        raise NotAllowed("You may not change this call.")
    draft = redact_text(text or "")
    Call.objects.filter(pk=call.pk).update(notes_draft=draft, updated_at=timezone.now())
    call.notes_draft = draft
    return call


def call_set_customer(*, actor: User, call: Call, customer: Customer) -> Call:
    """The agent picked the caller among several matches (or created the customer)."""
    if not permissions.can_edit_call(actor, call):
        raise NotAllowed("You may not change this call.")
    if customer.program_id != call.program_id:
        raise ValidationError({"customer": ["This customer belongs to another program."]})
    Call.objects.filter(pk=call.pk).update(customer=customer, updated_at=timezone.now())
    call.customer = customer
    customer_touch(customer_id=customer.pk)
    push_to_users([call.agent_id] if call.agent_id else [], "call", call=call.pk, state=call.state)
    return call


def call_wrap_up(
    *,
    actor: User,
    call: Call,
    wrap_up_code: WrapUpCode | None,
    first_contact_resolution: bool,
    notes: str | None = None,
    ticket: object | None = None,
) -> Call:
    """Closes the agent's work on a call: the program's wrap-up code (required when it has codes),
    the first-contact flag and the notes; ends the call if still on the line; the agent is then
    available again (the call's replay says so)."""
    if not permissions.can_edit_call(actor, call):
        raise NotAllowed("You may not change this call.")
    if wrap_up_code is None and program_has_wrap_up_codes(call.program_id):
        raise ValidationError({"wrap_up_code": ["Choose a wrap-up code."]})
    if wrap_up_code is not None and (wrap_up_code.program_id != call.program_id or not wrap_up_code.is_active):
        raise ValidationError({"wrap_up_code": ["Not a wrap-up code of this call's program."]})
    now = timezone.now()
    with transaction.atomic():
        locked = Call.objects.select_for_update().get(pk=call.pk)
        if locked.state in (CallState.RINGING,):
            raise CallInProgress("Answer the call before wrapping it up.", field="call")
        text = locked.notes_draft if notes is None else notes
        locked.wrap_up_code = wrap_up_code
        locked.first_contact_resolution = first_contact_resolution
        locked.notes = redact_text(text or "")
        fields = ["wrap_up_code", "first_contact_resolution", "notes"]
        if ticket is not None:
            locked.ticket = ticket  # type: ignore[assignment]
            fields.append("ticket")
        locked.save(update_fields=[*fields, "updated_at"])
        if locked.ended_at is None:
            locked = call_event_apply(actor=actor, call=locked, event=CallEventKind.END, at=now, agent=actor)
        if locked.wrap_up_done_at is None:
            return call_event_apply(actor=actor, call=locked, event=CallEventKind.WRAP_UP_DONE, at=now, agent=actor)
        # Telephony already said wrap-up is over; the code was what kept the call open.
        previous_state = locked.state
        changed = call_replay(locked)
        if changed:
            locked.save(update_fields=[*changed, "updated_at"])
            _follow_agents(locked, previous_state=previous_state, previous_agent_id=locked.agent_id)
            _announce(locked)
        return locked


def live_call_for(agent: User) -> Call | None:
    """The agent's call still in its hands (ringing, on the line, on hold or in wrap-up), newest first."""
    return (
        Call.objects.filter(agent=agent, state__in=LIVE_STATES)
        .select_related("customer", "program", "wrap_up_code")
        .order_by("-started_at", "-id")
        .first()
    )


def call_in_hand(agent: User) -> str:
    """``availability_blockers`` hook: an agent on a call, or with a call waiting for its wrap-up code,
    is not available (telephony that lost an ``end`` sends it; the state is the call's to change)."""
    call = (
        Call.objects.filter(agent=agent, state__in=[CallState.CONNECTED, CallState.ON_HOLD, CallState.WRAP_UP])
        .only("id", "state")
        .first()
    )
    if call is None:
        return ""
    if call.state == CallState.WRAP_UP:
        return f"Choose the wrap-up code of call {call.pk} before becoming available."
    return f"Call {call.pk} is still {call.get_state_display().lower()}: end it before becoming available."


class CallInProgress(DomainError):
    status_code = 409
    code = "call_state"

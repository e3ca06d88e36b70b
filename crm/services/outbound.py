"""The one rule of outbound calling (DESIGN.md invariant 12), and the records it reads.

An outbound call may go to a number only when

1. neither the customer nor the number is on a do-not-call list (the program's, or the shared list every
   program honours): rule ``do_not_call``;
2. the customer's latest consent to outbound calls is a grant, where consent is required (a campaign's
   setting): rule ``consent``;
3. it is inside the calling hours in the customer's local time: the program's hours (``CallingHours``;
   without them 08:00-21:00 every day, the US TCPA hours) and, for a campaign, the campaign's window too.
   The local time is the customer's time zone when set (anything but the default UTC), else every zone
   the number's region spans (a US number without a zone must be inside the hours on both coasts): rule
   ``calling_window``.

Every path that places or schedules an outbound call asks ``outbound_check`` (manual calls on the web and
the API, the agent's call bar, callbacks, campaigns); a refusal is an ``OutboundRefused`` (422) naming the
rule, and an audit event. Telephony reporting a call its dialer already placed is recorded (losing it
would help nobody) and audited as a violation.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from datetime import datetime, timedelta

import phonenumbers
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from phonenumbers import timezone as phone_zones

from agents.models import Program, User
from agents.services.audit import audit_record
from config.errors import DomainError, NotAllowed
from config.hours import WEEKDAYS, Window, parse_windows
from config.redaction import redact_text
from crm import permissions
from crm.models import (
    CallingHours,
    ConsentChannel,
    ConsentPurpose,
    ConsentRecord,
    Customer,
    CustomerPhone,
    DoNotCallEntry,
    DoNotCallSource,
)

# Consent given "now" by another system's clock may be a little ahead of ours.
CLOCK_SLACK = timedelta(minutes=5)
# Without a program's own hours: 08:00 to 21:00 local, every day (47 U.S.C. § 227, 47 CFR 64.1200(c)(1)).
DEFAULT_WINDOWS = {day: ["08:00", "21:00"] for day in WEEKDAYS}


class OutboundRefused(DomainError):
    """An outbound call the rules forbid; ``code`` names the rule."""

    status_code = 422

    def __init__(self, message: str, *, rule: str, field: str = "customer") -> None:
        super().__init__(message, field=field)
        self.code = rule


# --- Calling windows ---------------------------------------------------------------------------------------


def program_window(program_id: int) -> Window:
    hours = CallingHours.objects.filter(program_id=program_id).first()
    if hours is None:
        return Window(parse_windows(DEFAULT_WINDOWS))
    return Window(parse_windows(hours.windows), frozenset(hours.holidays))


def local_zones(customer: Customer | None, number: str, *, program: Program) -> list[zoneinfo.ZoneInfo]:
    """Where the callee may be: the customer's zone when set, else each zone of the number's region, else
    the program's."""
    if customer is not None and customer.time_zone and customer.time_zone != "UTC":
        return [zoneinfo.ZoneInfo(customer.time_zone)]
    names: Iterable[str] = ()
    if number:
        try:
            names = phone_zones.time_zones_for_number(phonenumbers.parse(number, None))
        except phonenumbers.NumberParseException:
            names = ()
    zones = [zoneinfo.ZoneInfo(name) for name in names if name in zoneinfo.available_timezones()]
    return zones or [zoneinfo.ZoneInfo(program.time_zone)]


# --- The rule ------------------------------------------------------------------------------------------------


def number_on_do_not_call(number: str, *, program_id: int) -> bool:
    return bool(number) and (
        DoNotCallEntry.objects.filter(Q(program_id=program_id) | Q(program__isnull=True), number=number).exists()
    )


def consent_granted(customer: Customer, purpose: str = ConsentPurpose.OUTBOUND_CALLS) -> bool:
    latest = ConsentRecord.objects.filter(customer=customer, purpose=purpose).order_by("-at", "-id").first()
    return latest is not None and latest.granted


def outbound_refusal(
    *,
    program: Program,
    customer: Customer | None,
    number: str,
    at: datetime,
    window: Window | None = None,
    requires_consent: bool = False,
    time_field: str = "customer",
    program_hours: Window | None = None,
) -> OutboundRefused | None:
    """The first rule an outbound call to ``number`` (of ``customer``) at ``at`` would break, or None;
    ``time_field`` is the input a calling-hours refusal names (a callback's ``due_at``); ``program_hours``
    spares reading the program's hours again when checking many contacts."""
    who = customer.name if customer is not None else number
    if (customer is not None and customer.do_not_call) or number_on_do_not_call(number, program_id=program.pk):
        return OutboundRefused(f"{who} is on the do-not-call list: no outbound calls.", rule="do_not_call")
    if requires_consent and (customer is None or not consent_granted(customer)):
        return OutboundRefused(f"{who} has not consented to outbound calls.", rule="consent")
    windows = [program_hours or program_window(program.pk), *([window] if window is not None else [])]
    for zone in local_zones(customer, number, program=program):
        local = at.astimezone(zone)
        for rule in windows:
            if not rule.allows(local):
                return OutboundRefused(
                    f"Outside the calling hours: it is {local:%a %H:%M} for {who} ({zone.key}); "
                    f"{rule.describe(local)}.",
                    rule="calling_window",
                    field=time_field,
                )
    return None


def called_number(customer: Customer | None, number: str = "") -> str:
    """The number an outbound call goes to: the one given, else the customer's primary (or first) phone."""
    if number or customer is None:
        return number
    phone = CustomerPhone.objects.filter(customer=customer).order_by("-is_primary", "id").first()
    return phone.number if phone is not None else ""


def outbound_check(
    *,
    actor: User | None,
    program: Program,
    customer: Customer | None,
    number: str = "",
    at: datetime | None = None,
    window: Window | None = None,
    requires_consent: bool = False,
    time_field: str = "customer",
    path: str,
) -> None:
    """Raises ``OutboundRefused`` (and audits it) when the call would break a rule; ``path`` says who asked
    (``manual``, ``api``, ``call_bar``, ``callback``, ``campaign``)."""
    number = called_number(customer, number)
    refusal = outbound_refusal(
        program=program,
        customer=customer,
        number=number,
        at=at or timezone.now(),
        window=window,
        requires_consent=requires_consent,
        time_field=time_field,
    )
    if refusal is None:
        return
    audit_record(
        action="outbound.refused",
        actor=actor,
        obj=customer,
        program=program,
        data={"rule": refusal.code, "path": path},
    )
    raise refusal


def outbound_violation_reported(*, program: Program, customer: Customer | None, number: str, at: datetime) -> None:
    """Telephony reported an outbound call the rules forbid: it happened, so it is recorded, and audited."""
    refusal = outbound_refusal(program=program, customer=customer, number=called_number(customer, number), at=at)
    if refusal is not None:
        audit_record(
            action="outbound.violation", obj=customer, program=program, data={"rule": refusal.code, "path": "telephony"}
        )


# --- Writes: the customer's wishes and the lists -------------------------------------------------------------


def consent_record(
    *,
    actor: User,
    customer: Customer,
    purpose: str,
    granted: bool,
    channel: str,
    source: str,
    at: datetime | None = None,
    note: str = "",
) -> ConsentRecord:
    """Appends a grant or withdrawal to the customer's ledger (audited); the marketing flag follows it."""
    if not permissions.can_edit_customer(actor, customer):
        raise NotAllowed("You may not change this customer.")
    if purpose not in ConsentPurpose.values:
        raise ValidationError({"purpose": [f"Choose one of: {', '.join(ConsentPurpose.values)}."]})
    if channel not in ConsentChannel.values:
        raise ValidationError({"channel": [f"Choose one of: {', '.join(ConsentChannel.values)}."]})
    source = redact_text(source or "").strip()
    if not source:
        raise ValidationError({"source": ["Say where the consent came from (a call, a form, a file)."]})
    when = at or timezone.now()
    if when > timezone.now() + CLOCK_SLACK:
        raise ValidationError({"at": ["Consent cannot be given in the future."]})
    with transaction.atomic():
        record = ConsentRecord.objects.create(
            customer=customer,
            program_id=customer.program_id,
            purpose=purpose,
            granted=granted,
            channel=channel,
            source=source[:200],
            recorded_by=actor,
            recorded_by_label=actor.get_username(),
            at=when,
            note=redact_text(note or ""),
        )
        if purpose == ConsentPurpose.MARKETING:
            latest = consent_granted(customer, ConsentPurpose.MARKETING)
            Customer.objects.filter(pk=customer.pk).update(marketing_consent=latest, updated_at=timezone.now())
        audit_record(
            action="consent.recorded",
            actor=actor,
            obj=customer,
            program=customer.program_id,
            data={"purpose": purpose, "granted": granted, "channel": channel},
        )
    return record


def customer_do_not_call(*, actor: User, customer: Customer) -> int:
    """The customer asked not to be called: flagged, and each of its numbers put on the program's list, at
    once (one click for the agent). Returns how many numbers were added."""
    if not permissions.can_edit_customer(actor, customer):
        raise NotAllowed("You may not change this customer.")
    with transaction.atomic():
        Customer.objects.filter(pk=customer.pk).update(do_not_call=True, updated_at=timezone.now())
        customer.do_not_call = True
        numbers = list(CustomerPhone.objects.filter(customer=customer).values_list("number", flat=True))
        added = DoNotCallEntry.objects.bulk_create(
            [
                DoNotCallEntry(
                    program_id=customer.program_id, number=n, source=DoNotCallSource.CUSTOMER, added_by=actor
                )
                for n in numbers
            ],
            ignore_conflicts=True,
        )
        audit_record(action="dnc.customer_request", actor=actor, obj=customer, program=customer.program_id)
    return len(added)

"""Campaigns: set up, load the contact list, hand out the next contact (preview dialling), record outcomes.

The next contact: ``campaign_next`` claims the campaign's waiting contacts whose time has come, oldest first,
with ``FOR UPDATE SKIP LOCKED``, so two agents asking at once never get the same one and never wait for each
other; the first claimed contact the calling rules allow (``crm.services.outbound``: do-not-call, consent
when the campaign requires it, the program's and the campaign's hours in the customer's local time) is
assigned to the agent in the same transaction. A contact on a do-not-call list or without required consent
is excluded for good; one outside its hours stays waiting for a later ask.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TextIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from agents.models import Program, User, validate_time_zone
from agents.services.audit import audit_record
from config.errors import DomainError, InvalidTransition, NotAllowed
from config.hours import ALL_DAY, Window, parse_windows
from config.redaction import redact_text
from crm.models import Call
from crm.phones import try_normalize_phone
from crm.selectors import customer_ids_with_number
from crm.services.customers import PhoneInput, customer_create
from crm.services.outbound import customer_do_not_call, outbound_refusal, program_window
from outbound import permissions
from outbound.models import (
    CAMPAIGN_TRANSITIONS,
    CLOSING,
    DEFAULT_RETRY_MINUTES,
    Attempt,
    Campaign,
    CampaignContact,
    CampaignStatus,
    ContactStatus,
    Outcome,
)

# What campaign_create and campaign_update take besides the program.
CAMPAIGN_SETTINGS = (
    "name", "script", "windows", "holidays", "max_attempts", "retry_after_minutes", "requires_consent",
)  # fmt: skip
# Contacts claimed per query while looking for one the rules allow, and at most this many per ask.
CLAIM_BATCH = 25
CLAIM_LIMIT = 500
# Lines of a contact list (the web form's and the API's limit; bigger lists go in several files).
MAX_CONTACT_LINES = 50_000


class CampaignNotRunning(DomainError):
    status_code = 409
    code = "campaign_not_running"


def _window(campaign: Campaign) -> Window | None:
    """The campaign's own hours, within the program's (None: the program's alone)."""
    if not campaign.windows and not campaign.holidays:
        return None
    return Window(parse_windows(campaign.windows or ALL_DAY), frozenset(campaign.holidays))


def _retry_minutes(campaign: Campaign, outcome: str) -> int:
    configured = campaign.retry_after_minutes.get(outcome) if isinstance(campaign.retry_after_minutes, dict) else None
    if configured is not None:
        return int(configured)
    return DEFAULT_RETRY_MINUTES.get(Outcome(outcome), 60)


# --- Setting up ------------------------------------------------------------------------------------------


def campaign_clean(values: dict[str, Any]) -> dict[str, Any]:
    """The settings checked (a bad window or delay names its field)."""
    cleaned = dict(values)
    if "windows" in cleaned:
        parse_windows(cleaned["windows"] or {}, field="windows")
    retry = cleaned.get("retry_after_minutes")
    valid = retry is None or (
        isinstance(retry, dict)
        and all(key in Outcome.values and isinstance(minutes, int) and minutes >= 0 for key, minutes in retry.items())
    )
    if not valid:
        example = '{"no_answer": 240, "busy": 30}'
        raise ValidationError({"retry_after_minutes": [f"Give whole minutes per outcome, e.g. {example}."]})
    return cleaned


def campaign_create(*, actor: User, program: Program, name: str, **settings: Any) -> Campaign:
    if not permissions.can_manage_campaigns(actor, program.pk):
        raise NotAllowed("Supervisors, managers and admins of the program run its campaigns.")
    name = redact_text(name or "").strip()
    if not name:
        raise ValidationError({"name": ["Name the campaign."]})
    unknown = set(settings) - set(CAMPAIGN_SETTINGS)
    if unknown:
        raise TypeError(f"unknown campaign settings: {sorted(unknown)}")
    cleaned = campaign_clean(settings)
    script = cleaned.get("script")
    if script is not None and script.program_id not in (None, program.pk):
        raise ValidationError({"script": ["This script belongs to another program."]})
    with transaction.atomic():
        if Campaign.objects.filter(program=program, name=name).exists():
            raise ValidationError({"name": ["This program already has a campaign of that name."]})
        campaign = Campaign.objects.create(program=program, name=name, created_by=actor, **cleaned)
        audit_record(action="campaign.create", actor=actor, obj=campaign, program=program)
    return campaign


def campaign_update(*, actor: User, campaign: Campaign, **settings: Any) -> Campaign:
    """Changes the settings (name, script, hours, attempts, delays, consent); a done campaign stays as it was."""
    if not permissions.can_manage_campaigns(actor, campaign.program_id):
        raise NotAllowed("Supervisors, managers and admins of the program run its campaigns.")
    unknown = set(settings) - set(CAMPAIGN_SETTINGS)
    if unknown:
        raise TypeError(f"unknown campaign settings: {sorted(unknown)}")
    cleaned = campaign_clean(settings)
    if "name" in cleaned:
        cleaned["name"] = redact_text(cleaned["name"] or "").strip()
        if not cleaned["name"]:
            raise ValidationError({"name": ["Name the campaign."]})
    script = cleaned.get("script")
    if script is not None and script.program_id not in (None, campaign.program_id):
        raise ValidationError({"script": ["This script belongs to another program."]})
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.status == CampaignStatus.DONE:
            raise CampaignNotRunning("This campaign is done: its settings are its record.", field="status")
        for name, value in cleaned.items():
            setattr(locked, name, value)
        locked.save(update_fields=[*cleaned, "updated_at"])
        audit_record(
            action="campaign.update",
            actor=actor,
            obj=locked,
            program=locked.program_id,
            data={"fields": sorted(cleaned)},
        )
    return locked


def campaign_set_status(*, actor: User, campaign: Campaign, status: str) -> Campaign:
    """Start, pause, resume or finish; finishing hands back the contacts agents still hold."""
    if not permissions.can_manage_campaigns(actor, campaign.program_id):
        raise NotAllowed("Supervisors, managers and admins of the program run its campaigns.")
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.status == status:
            return locked
        if status not in CAMPAIGN_TRANSITIONS.get(locked.status, frozenset()):
            raise InvalidTransition(entity="campaign", current=locked.status, target=status)
        locked.status = status
        locked.save(update_fields=["status", "updated_at"])
        if status == CampaignStatus.DONE:
            locked.contacts.filter(status=ContactStatus.ASSIGNED).update(
                status=ContactStatus.WAITING, assigned_to=None, assigned_at=None, updated_at=timezone.now()
            )
        audit_record(action=f"campaign.{status}", actor=actor, obj=locked, program=locked.program_id)
    return locked


# --- The contact list ------------------------------------------------------------------------------------


@dataclass
class ContactRow:
    line: int
    name: str
    phone: str
    time_zone: str = ""
    language: str = ""


@dataclass
class ContactImport:
    lines: int = 0
    added: int = 0
    matched: int = 0  # existing customers found by their number
    merged: int = 0  # lines of a number already on the list (in the file or before)
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def contact_rows_from_csv(stream: TextIO) -> list[ContactRow]:
    """``name,phone[,time_zone[,language]]`` per line, the header line named so."""
    reader = csv.DictReader(stream)
    missing = {"name", "phone"} - set(reader.fieldnames or [])
    if missing:
        raise ValidationError(
            {"file": [f"The first line must name the columns; missing: {', '.join(sorted(missing))}."]}
        )
    rows = []
    for line, raw in enumerate(reader, start=2):
        if line - 1 > MAX_CONTACT_LINES:
            raise ValidationError({"file": [f"At most {MAX_CONTACT_LINES:,} contacts per file."]})
        rows.append(
            ContactRow(
                line=line,
                name=(raw.get("name") or "").strip(),
                phone=(raw.get("phone") or "").strip(),
                time_zone=(raw.get("time_zone") or "").strip(),
                language=(raw.get("language") or "").strip(),
            )
        )
    return rows


def campaign_import_contacts(*, actor: User, campaign: Campaign, rows: list[ContactRow]) -> ContactImport:
    """Adds the rows to the campaign's list, all or nothing: any bad line and nothing is imported (the report
    names each bad line). A number that belongs to one customer of the program is that customer (merged, not
    duplicated); an unknown number becomes a new customer."""
    if not permissions.can_manage_campaigns(actor, campaign.program_id):
        raise NotAllowed("Supervisors, managers and admins of the program load its campaigns' lists.")
    if campaign.status == CampaignStatus.DONE:
        raise CampaignNotRunning("This campaign is done: start a new one.", field="campaign")
    program = campaign.program
    report = ContactImport(lines=len(rows))
    numbers: dict[str, ContactRow] = {}
    for row in rows:
        number = try_normalize_phone(row.phone, region=program.default_region or "US") if row.phone else None
        if not row.name:
            report.errors.append((row.line, "name: required"))
        if number is None:
            report.errors.append((row.line, f"phone: {row.phone!r} is not a phone number"))
            continue
        if row.time_zone:
            try:
                validate_time_zone(row.time_zone)
            except ValidationError:
                report.errors.append((row.line, f"time_zone: {row.time_zone!r} is not a known time zone"))
        if number in numbers:
            report.merged += 1
            continue
        numbers[number] = row
    if report.errors:
        return report
    now = timezone.now()
    with transaction.atomic():
        # Two imports into one campaign at once: the second waits, then sees the first's contacts.
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        listed = set(campaign.contacts.values_list("phone", flat=True))
        # A customer is on a campaign's list once, whichever of its numbers a line gives.
        customers = set(campaign.contacts.values_list("customer_id", flat=True))
        contacts = []
        for number, row in numbers.items():
            if number in listed:
                report.merged += 1
                continue
            matches = customer_ids_with_number(program_id=program.pk, e164=number)
            if len(matches) == 1:
                customer_id = matches[0]
                report.matched += 1
            else:
                profile: dict[str, Any] = {"time_zone": row.time_zone} if row.time_zone else {}
                if row.language:
                    profile["preferred_language"] = row.language[:8]
                customer, _ = customer_create(
                    actor=actor, program=program, name=row.name, phones=[PhoneInput(number, is_primary=True)], **profile
                )
                customer_id = customer.pk
            if customer_id in customers:
                report.merged += 1
                continue
            customers.add(customer_id)
            # Due at once: the next-contact query reads one index in (next_attempt_at, id) order.
            contacts.append(
                CampaignContact(campaign=campaign, customer_id=customer_id, phone=number, next_attempt_at=now)
            )
        CampaignContact.objects.bulk_create(contacts)
        report.added = len(contacts)
        audit_record(
            action="campaign.import",
            actor=actor,
            obj=campaign,
            program=campaign.program_id,
            data={"added": report.added, "matched": report.matched, "merged": report.merged},
        )
    return report


# --- Preview dialling ------------------------------------------------------------------------------------


def campaign_next(*, actor: User, campaign: Campaign) -> CampaignContact | None:
    """The agent's next contact (already held: the same one again), or None when nobody may be called now."""
    if not permissions.can_work_campaign(actor, campaign):
        raise NotAllowed("You do not work this program's campaigns.")
    if campaign.status != CampaignStatus.RUNNING:
        raise CampaignNotRunning(f"The campaign is {campaign.get_status_display().lower()}.", field="campaign")
    held = CampaignContact.objects.filter(campaign=campaign, status=ContactStatus.ASSIGNED, assigned_to=actor).first()
    if held is not None:
        return held
    window = _window(campaign)
    program_hours = program_window(campaign.program_id)
    skipped: list[int] = []
    now = timezone.now()
    while len(skipped) < CLAIM_LIMIT:
        with transaction.atomic():
            batch = list(
                CampaignContact.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(campaign=campaign, status=ContactStatus.WAITING, next_attempt_at__lte=now)
                .exclude(pk__in=skipped)
                .select_related("customer")
                .order_by("next_attempt_at", "id")[:CLAIM_BATCH]
            )
            if not batch:
                return None
            for contact in batch:
                refusal = outbound_refusal(
                    program=campaign.program,
                    customer=contact.customer,
                    number=contact.phone,
                    at=now,
                    window=window,
                    requires_consent=campaign.requires_consent,
                    program_hours=program_hours,
                )
                if refusal is None:
                    contact.status = ContactStatus.ASSIGNED
                    contact.assigned_to = actor
                    contact.assigned_at = now
                    contact.save(update_fields=["status", "assigned_to", "assigned_at", "updated_at"])
                    return contact
                if refusal.code == "calling_window":
                    skipped.append(contact.pk)  # another time, maybe for another agent's ask
                    continue
                contact.status = ContactStatus.EXCLUDED
                contact.excluded_because = refusal.code
                contact.save(update_fields=["status", "excluded_because", "updated_at"])
                audit_record(
                    action="outbound.refused",
                    actor=actor,
                    obj=contact.customer,
                    program=campaign.program_id,
                    data={"rule": refusal.code, "path": "campaign"},
                )
    return None


def contact_outcome(
    *, actor: User, contact: CampaignContact, outcome: str, note: str = "", call: Call | None = None
) -> CampaignContact:
    """Records the attempt; closes the contact, or schedules its next attempt after the campaign's delay for
    that outcome (attempts used up: exhausted). "Asked not to be called" puts the customer on the list too."""
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": [f"Choose one of: {', '.join(Outcome.values)}."]})
    with transaction.atomic():
        locked = CampaignContact.objects.select_for_update().select_related("campaign").get(pk=contact.pk)
        if locked.status != ContactStatus.ASSIGNED or locked.assigned_to_id != actor.pk:
            raise NotAllowed("This contact is not yours now: ask for the next one.")
        if call is not None and (call.program_id != locked.campaign.program_id):
            raise ValidationError({"call": ["This call belongs to another program."]})
        Attempt.objects.create(
            contact=locked, campaign=locked.campaign, agent=actor, call=call, outcome=outcome, note=redact_text(note)
        )
        locked.attempts += 1
        locked.last_outcome = outcome
        locked.assigned_to = None
        locked.assigned_at = None
        if outcome in CLOSING:
            locked.status = ContactStatus.DONE
        elif locked.attempts >= locked.campaign.max_attempts:
            locked.status = ContactStatus.EXHAUSTED
        else:
            locked.status = ContactStatus.WAITING
            locked.next_attempt_at = timezone.now() + timedelta(minutes=_retry_minutes(locked.campaign, outcome))
        locked.save(
            update_fields=[
                "attempts",
                "last_outcome",
                "assigned_to",
                "assigned_at",
                "status",
                "next_attempt_at",
                "updated_at",
            ]
        )
        if outcome == Outcome.DO_NOT_CALL:
            customer_do_not_call(actor=actor, customer=locked.customer)
    return locked

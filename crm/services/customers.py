"""Writes of customer records: contact points normalised, duplicates reported, changes audited."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from agents.models import Program, User
from agents.services import audit_record
from config.errors import NotAllowed
from config.redaction import redact_text, refuse_card
from config.rows import execute
from crm import permissions
from crm.models import Customer, CustomerAccess, CustomerEmail, CustomerPhone, Organization
from crm.phones import normalize_phone

PROFILE_FIELDS = (
    "name",
    "preferred_language",
    "time_zone",
    "preferred_agent",
    "tags",
    "vip",
    "marketing_consent",
    "do_not_call",
)


@dataclass(frozen=True)
class PhoneInput:
    number: str
    label: str = ""
    is_primary: bool = False


@dataclass(frozen=True)
class EmailInput:
    address: str
    is_primary: bool = False


@dataclass
class Duplicate:
    customer: Customer
    reasons: list[str] = field(default_factory=list)


def _normalized_phones(phones: list[PhoneInput], *, program: Program) -> list[PhoneInput]:
    result: list[PhoneInput] = []
    seen: set[str] = set()
    errors = []
    for phone in phones:
        try:
            number = normalize_phone(phone.number, region=program.default_region or "US")
        except ValidationError as exc:
            errors.append(exc.messages[0])
            continue
        if number in seen:
            continue
        seen.add(number)
        result.append(PhoneInput(number=number, label=redact_text(phone.label)[:30], is_primary=phone.is_primary))
    if errors:
        raise ValidationError({"phones": errors})
    return _one_primary(result)


def _normalized_emails(emails: list[EmailInput]) -> list[EmailInput]:
    seen: set[str] = set()
    result = []
    for email in emails:
        address = email.address.strip().lower()
        refuse_card("emails", address)
        if address and address not in seen:
            seen.add(address)
            result.append(EmailInput(address=address, is_primary=email.is_primary))
    return _one_primary(result)


def _refuse_cards_in_tags(tags: list[str] | None) -> None:
    for tag in tags or []:
        refuse_card("tags", tag)


def _one_primary(items: list[Any]) -> list[Any]:
    """Exactly one primary when there are any: the first marked one, else the first."""
    if not items:
        return items
    primary = next((i for i, item in enumerate(items) if item.is_primary), 0)
    return [type(item)(**{**item.__dict__, "is_primary": i == primary}) for i, item in enumerate(items)]


class DuplicateCustomer(ValidationError):
    """A new customer shares a phone or an email with existing ones, and the caller did not confirm."""

    def __init__(self, duplicates: list[Duplicate]) -> None:
        names = "; ".join(f"{d.customer.name} ({', '.join(d.reasons)})" for d in duplicates)
        super().__init__({"__all__": [f"Possible duplicate of {names}."]})
        self.duplicates = duplicates


def customer_duplicates(
    *, program: Program, phones: list[str], emails: list[str], exclude_id: int | None = None
) -> list[Duplicate]:
    """Customers of the same program sharing a phone number or an email address."""
    if not phones and not emails:
        return []
    candidates = Customer.objects.filter(program=program, erased_at__isnull=True).filter(
        Q(phones__number__in=phones) | Q(emails__address__in=emails)
    )
    if exclude_id is not None:
        candidates = candidates.exclude(pk=exclude_id)
    matches = candidates.prefetch_related("phones", "emails").distinct()[:10]
    duplicates = []
    for customer in matches:
        reasons = [f"phone {p.number}" for p in customer.phones.all() if p.number in phones]
        reasons += [f"email {e.address}" for e in customer.emails.all() if e.address in emails]
        duplicates.append(Duplicate(customer=customer, reasons=reasons))
    return duplicates


def _organization(program: Program, name: str | None) -> Organization | None:
    name = (name or "").strip()
    if not name:
        return None
    organization, _ = Organization.objects.get_or_create(program=program, name=redact_text(name)[:200])
    return organization


def customer_create(
    *,
    actor: User,
    program: Program,
    name: str,
    phones: list[PhoneInput] | None = None,
    emails: list[EmailInput] | None = None,
    organization: str | None = None,
    allow_duplicate: bool = True,
    **profile: Any,
) -> tuple[Customer, list[Duplicate]]:
    """Creates a customer with normalised contact points; returns it with the duplicates it shares them with.

    With ``allow_duplicate=False`` a duplicate is an error (the form asks the agent to confirm first).
    """
    if not permissions.can_create_customer(actor, program.pk):
        raise NotAllowed("You do not serve this program.")
    phone_rows = _normalized_phones(phones or [], program=program)
    email_rows = _normalized_emails(emails or [])
    duplicates = customer_duplicates(
        program=program, phones=[p.number for p in phone_rows], emails=[e.address for e in email_rows]
    )
    if duplicates and not allow_duplicate:
        raise DuplicateCustomer(duplicates)
    unknown = set(profile) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"unknown customer fields: {sorted(unknown)}")
    _refuse_cards_in_tags(profile.get("tags"))
    with transaction.atomic():
        customer = Customer(
            program=program,
            name=redact_text(name.strip())[:200],
            organization=_organization(program, organization),
            last_activity_at=timezone.now(),
            **profile,
        )
        customer.full_clean(exclude=["preferred_agent"])
        customer.save()
        CustomerPhone.objects.bulk_create(
            CustomerPhone(customer=customer, number=p.number, label=p.label, is_primary=p.is_primary)
            for p in phone_rows
        )
        CustomerEmail.objects.bulk_create(
            CustomerEmail(customer=customer, address=e.address, is_primary=e.is_primary) for e in email_rows
        )
        audit_record(action="customer.create", actor=actor, obj=customer, data={"duplicates": len(duplicates)})
    return customer, duplicates


def customer_update(
    *,
    actor: User,
    customer: Customer,
    phones: list[PhoneInput] | None = None,
    emails: list[EmailInput] | None = None,
    organization: str | None = None,
    **changes: Any,
) -> Customer:
    """Updates the profile; ``phones`` / ``emails`` when given replace the lists. Audits the changed field names."""
    if not permissions.can_edit_customer(actor, customer):
        raise NotAllowed("You may not change this customer.")
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"unknown customer fields: {sorted(unknown)}")
    _refuse_cards_in_tags(changes.get("tags"))
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        changed: list[str] = []
        for name, value in changes.items():
            if name == "name":
                value = redact_text(value.strip())[:200]
            if getattr(locked, name) != value:
                setattr(locked, name, value)
                changed.append(name)
        if organization is not None:
            org = _organization(locked.program, organization)
            if org != locked.organization:
                locked.organization = org
                changed.append("organization")
        if changed:
            locked.full_clean(exclude=["preferred_agent"])
            locked.save(update_fields=[*changed, "updated_at"])
        if phones is not None:
            rows = _normalized_phones(phones, program=locked.program)
            locked.phones.all().delete()
            CustomerPhone.objects.bulk_create(
                CustomerPhone(customer=locked, number=p.number, label=p.label, is_primary=p.is_primary) for p in rows
            )
            changed.append("phones")
        if emails is not None:
            email_rows = _normalized_emails(emails)
            locked.emails.all().delete()
            CustomerEmail.objects.bulk_create(
                CustomerEmail(customer=locked, address=e.address, is_primary=e.is_primary) for e in email_rows
            )
            changed.append("emails")
        if changed:
            if "updated_at" not in changed and (phones is not None or emails is not None):
                locked.save(update_fields=["updated_at"])
            audit_record(action="customer.update", actor=actor, obj=locked, data={"fields": changed})
    return locked


# Every call logged and note taken runs it: hand-written (config/rows.py), so Django does not build it each time.
_TOUCH_SQL = "UPDATE crm_customer SET last_activity_at = %s WHERE id = %s"


def customer_touch(*, customer_id: int) -> None:
    """Marks recent activity (retention of inactive customers counts from it)."""
    execute(_TOUCH_SQL, [timezone.now(), customer_id])


def customer_access_record(*, customer: Customer, actor: User) -> CustomerAccess:
    """Logs that ``actor`` opened the customer's record (the access log privacy officers read)."""
    return CustomerAccess.objects.create(customer=customer, user=actor)


def customers_access_record(*, customers: Iterable[Customer], actor: Any) -> None:
    """Logs that ``actor`` read these customers through the API (one insert, whatever the page size)."""
    user = actor if isinstance(actor, User) else None
    rows = [CustomerAccess(customer_id=c.pk, user=user, via=CustomerAccess.Via.API) for c in customers]
    if rows:
        CustomerAccess.objects.bulk_create(rows)

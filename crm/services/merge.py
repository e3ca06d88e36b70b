"""Customer merge: a duplicate folds into a survivor, and nothing it had is left behind.

What moves is read from the privacy registry (``config.privacy``), the one map of where a customer's data
lives: every model whose policy names a direct ``customer`` field is re-pointed at the survivor (rows reached
through another, such as a ticket's comments, follow their parent). A row the survivor already has its own
of (the same phone number, the same campaign, the one survey opt-out) is not duplicated: whatever points at
the duplicate's row is moved to the survivor's, then the duplicate's row goes. The consent ledger, which
refuses every other change, lets a record follow a merge (crm migration 0014).

The survivor keeps its own details and takes the duplicate's where it has none; the stricter of the two wins
for do-not-call (either asked) and marketing consent (both must have agreed). The duplicate stays as an empty
record whose ``merged_into`` says where it went: its old id still answers (a web redirect, an API 301).
Refused across programs, under legal hold, for erased or already merged records.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from agents.models import User
from agents.services.audit import audit_record
from config.errors import DomainError, NotAllowed
from config.events import publish
from config.privacy import registry
from crm import permissions
from crm.models import Customer, CustomerEmail, CustomerPhone


def merge_map() -> list[tuple[type[models.Model], str]]:
    """(model, field) of every record that points at a customer directly, from the privacy registry."""
    return sorted(
        (
            (model, policy.customer)
            for model, policy in registry().items()
            if policy.customer and "__" not in policy.customer
        ),
        key=lambda pair: pair[0]._meta.label,
    )


def customer_merge(
    *, actor: User, survivor: Customer, duplicate: Customer, request: HttpRequest | None = None
) -> dict[str, int]:
    """Folds ``duplicate`` into ``survivor`` (the module's rule); returns the rows moved per model."""
    if not permissions.can_merge_customers(actor, survivor) or not permissions.can_merge_customers(actor, duplicate):
        raise NotAllowed("Only supervisors, managers and admins of the program merge customers.")
    with transaction.atomic():
        # Both rows locked, lower id first, so two merges of the same pair cannot cross.
        locked = {c.pk: c for c in Customer.objects.select_for_update().filter(pk__in=[survivor.pk, duplicate.pk])}
        survivor, duplicate = locked[survivor.pk], locked[duplicate.pk]
        _check(survivor, duplicate)
        now = timezone.now()
        # First the mark, which the consent ledger's trigger reads to let the records follow.
        Customer.objects.filter(pk=duplicate.pk).update(merged_into=survivor, merged_at=now, updated_at=now)
        moved = {"crm.CustomerPhone": _combine_phones(survivor, duplicate)}
        moved["crm.CustomerEmail"] = _combine_emails(survivor, duplicate)
        for model, field in merge_map():
            if model in (CustomerPhone, CustomerEmail):
                continue
            count = _move(model, field, survivor, duplicate)
            if count:
                moved[model._meta.label] = count
        _combine_details(survivor, duplicate, now)
        audit_record(
            action="customer.merge",
            actor=actor,
            obj=survivor,
            program=survivor.program_id,
            request=request,
            data={"survivor": survivor.pk, "duplicate": duplicate.pk, "moved": moved},
        )
        publish(
            "customer.merged",
            program_id=survivor.program_id,
            payload={"customer_id": survivor.pk, "merged_id": duplicate.pk},
        )
    return moved


def _check(survivor: Customer, duplicate: Customer) -> None:
    if survivor.pk == duplicate.pk:
        raise ValidationError({"duplicate": ["A customer cannot be merged into itself."]})
    if survivor.program_id != duplicate.program_id:
        raise ValidationError({"duplicate": ["Customers of different programs are never merged."]})
    for customer in (survivor, duplicate):
        if customer.merged_into_id is not None:
            raise ValidationError({"duplicate": [f"Customer #{customer.pk} was already merged."]})
        if customer.erased_at is not None:
            raise ValidationError({"duplicate": [f"Customer #{customer.pk} was erased."]})
        if customer.legal_hold:
            raise DomainError(f"Customer #{customer.pk} is under legal hold: its records may not move.")


def _combine_phones(survivor: Customer, duplicate: Customer) -> int:
    """The duplicate's numbers the survivor lacks, as further (not primary) numbers; the same number once."""
    have = set(CustomerPhone.objects.filter(customer=survivor).values_list("number", flat=True))
    CustomerPhone.objects.filter(customer=duplicate, number__in=have).delete()
    return CustomerPhone.objects.filter(customer=duplicate).update(
        customer=survivor, is_primary=False, updated_at=timezone.now()
    )


def _combine_emails(survivor: Customer, duplicate: Customer) -> int:
    have = set(CustomerEmail.objects.filter(customer=survivor).values_list("address", flat=True))
    CustomerEmail.objects.filter(customer=duplicate, address__in=have).delete()
    return CustomerEmail.objects.filter(customer=duplicate).update(
        customer=survivor, is_primary=False, updated_at=timezone.now()
    )


def _move(model: type[models.Model], field: str, survivor: Customer, duplicate: Customer) -> int:
    """Re-points ``model``'s rows from the duplicate to the survivor. Where a unique constraint would see the
    same row twice, what points at the duplicate's row moves to the survivor's, and the duplicate's goes."""
    rows = model._default_manager.filter(**{field: duplicate})
    for other_fields in _unique_partners(model, field):
        for row in list(rows):
            match = model._default_manager.filter(
                **{field: survivor}, **{name: getattr(row, name) for name in other_fields}
            ).first()
            if match is not None:
                _repoint_children(row, match)
                row.delete()
    return rows.update(**{field: survivor})


def _unique_partners(model: type[models.Model], field: str) -> list[tuple[str, ...]]:
    """For each unconditional unique constraint over ``field``, the other fields in it."""
    meta = model._meta
    sets = [tuple(c.fields) for c in meta.constraints if isinstance(c, models.UniqueConstraint) and not c.condition]
    sets += [tuple(together) for together in meta.unique_together]
    concrete = meta.get_field(field)
    if getattr(concrete, "one_to_one", False) or getattr(concrete, "unique", False):
        sets.append((field,))
    return [tuple(name for name in fields if name != field) for fields in sets if field in fields]


def _repoint_children(old: models.Model, new: models.Model) -> None:
    for relation in old._meta.related_objects:
        if relation.one_to_many or relation.one_to_one:
            relation.related_model._default_manager.filter(**{relation.field.name: old}).update(
                **{relation.field.name: new}
            )


def _combine_details(survivor: Customer, duplicate: Customer, now: Any) -> None:
    changes: dict[str, Any] = {
        "tags": sorted(set(survivor.tags) | set(duplicate.tags)),
        "vip": survivor.vip or duplicate.vip,
        "do_not_call": survivor.do_not_call or duplicate.do_not_call,
        "marketing_consent": survivor.marketing_consent and duplicate.marketing_consent,
        "last_activity_at": max(
            (at for at in (survivor.last_activity_at, duplicate.last_activity_at) if at is not None), default=None
        ),
        "organization_id": survivor.organization_id or duplicate.organization_id,
        "preferred_agent_id": survivor.preferred_agent_id or duplicate.preferred_agent_id,
        "updated_at": now,
    }
    if survivor.time_zone in ("", "UTC") and duplicate.time_zone not in ("", "UTC"):
        changes["time_zone"] = duplicate.time_zone
    Customer.objects.filter(pk=survivor.pk).update(**changes)
    # The empty record left behind holds nothing personal: its old id only says where it went.
    Customer.objects.filter(pk=duplicate.pk).update(
        name=f"Merged into customer {survivor.pk}",
        organization=None,
        preferred_agent=None,
        tags=[],
        vip=False,
        marketing_consent=False,
        last_activity_at=None,
        updated_at=now,
    )

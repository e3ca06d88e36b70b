"""Redaction on every write path (DESIGN.md invariant 4).

Services redact what they write; this ``pre_save`` catch-all covers the rest (admin,
shell, imports, Celery, any future code) for every field the privacy registry marks as
free text, refuses card data in the short structured fields it marks ``no_cards``, and refuses
text longer than its field's ``max_length`` naming the field.
``QuerySet.update()`` and ``bulk_create`` bypass signals: code that uses them on free text
redacts itself (the services do), and ``manage.py redact_existing`` sweeps.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import pre_save

from config.privacy import registry
from config.redaction import redact_text, refuse_card


def redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, list):
        return [redact_value(item) for item in value]
    if isinstance(value, dict):
        return {key: redact_value(item) for key, item in value.items()}
    return value


MAX_LIST_ITEMS = 50


@cache
def _bounded_text_fields(model: type[models.Model]) -> tuple[tuple[str, int], ...]:
    return tuple(
        (field.attname, field.max_length)
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField) and field.max_length
    )


@cache
def _bounded_list_fields(model: type[models.Model]) -> tuple[tuple[str, int], ...]:
    """Lists of short texts (tags, languages): each item within its base field's ``max_length``."""
    return tuple(
        (field.attname, field.base_field.max_length)
        for field in model._meta.concrete_fields
        if isinstance(field, ArrayField)
        and isinstance(field.base_field, models.CharField)
        and field.base_field.max_length
    )


def _refuse_too_long(model: type[models.Model], instance: models.Model) -> None:
    """Every text field has a limit (the model's ``max_length``) and holds no NUL: otherwise the write is refused
    naming the field, never truncated and never a database error."""
    for name, limit in _bounded_text_fields(model):
        value = getattr(instance, name, None)
        if not isinstance(value, str):
            continue
        if len(value) > limit:
            raise ValidationError({name: [f"At most {limit:,} characters (this has {len(value):,})."]})
        if "\x00" in value:  # PostgreSQL text cannot hold it
            raise ValidationError({name: ["Text may not contain NUL characters."]})
    for name, limit in _bounded_list_fields(model):
        items = getattr(instance, name, None) or []
        if len(items) > MAX_LIST_ITEMS:
            raise ValidationError({name: [f"At most {MAX_LIST_ITEMS} items."]})
        for item in items:
            if isinstance(item, str) and (len(item) > limit or "\x00" in item):
                raise ValidationError({name: [f"Each item at most {limit} characters, without NUL characters."]})


def _guard_text(sender: Any, instance: Any, **kwargs: Any) -> None:
    policy = registry().get(sender)
    if policy is None:
        return
    _refuse_too_long(sender, instance)
    for name in policy.free_text:
        value = getattr(instance, name, None)
        if value:
            setattr(instance, name, redact_value(value))
    for name in policy.no_cards:
        value = getattr(instance, name, None)
        for item in value if isinstance(value, list) else [value]:
            refuse_card(name, item if isinstance(item, str) else None)


def connect() -> None:
    # Every registered model: free text is redacted, structured fields refuse cards, all text is bounded.
    for model in registry():
        pre_save.connect(_guard_text, sender=model, dispatch_uid=f"redact-{model._meta.label}")

"""Redaction on every write path (DESIGN.md invariant 4).

Services redact what they write; this ``pre_save`` catch-all covers the rest (admin,
shell, imports, Celery, any future code) for every field the privacy registry marks as
free text, and refuses card data in the short structured fields it marks ``no_cards``.
``QuerySet.update()`` and ``bulk_create`` bypass signals: code that uses them on free text
redacts itself (the services do), and ``manage.py redact_existing`` sweeps.
"""

from __future__ import annotations

from typing import Any

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


def _redact_free_text(sender: Any, instance: Any, **kwargs: Any) -> None:
    policy = registry().get(sender)
    if policy is None:
        return
    for name in policy.free_text:
        value = getattr(instance, name, None)
        if value:
            setattr(instance, name, redact_value(value))
    for name in policy.no_cards:
        value = getattr(instance, name, None)
        for item in value if isinstance(value, list) else [value]:
            refuse_card(name, item if isinstance(item, str) else None)


def connect() -> None:
    for model, policy in registry().items():
        if policy.free_text or policy.no_cards:
            pre_save.connect(_redact_free_text, sender=model, dispatch_uid=f"redact-{model._meta.label}")

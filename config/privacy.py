"""Where personal data lives: each app declares its models in ``<app>/privacy.py``.

A declaration classifies every text-like field of a model as
- ``personal``: identifies a person (names, phone numbers, addresses); anonymised on erasure;
- ``free_text``: typed by people, may contain anything; redacted on every write, blanked on erasure;
- ``not_personal``: codes, statuses, slugs, our own content.
``customer`` is the lookup path from the model to ``crm.Customer`` (None: not customer data), which
drives erasure and export (``exported=False`` leaves a model out of the export). ``on_erase="delete"``
removes the rows instead of blanking them.
A test fails when a model or a text field is missing, so new fields cannot slip through.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.conf import settings
from django.db import models

ERASED = "[erased]"


@dataclass(frozen=True)
class Policy:
    personal: tuple[str, ...] = ()
    free_text: tuple[str, ...] = ()
    not_personal: tuple[str, ...] = ()
    customer: str | None = None
    on_erase: str = "blank"  # or "delete"
    # Short structured fields (tags, ids, addresses, URLs) are never rewritten: card data there is refused.
    no_cards: tuple[str, ...] = ()
    # False: blanked with the customer but left out of the customer's export, because the record is about our
    # staff's work (a quality review of the call), not about the customer.
    exported: bool = True


@cache
def registry() -> dict[type[models.Model], Policy]:
    found: dict[type[models.Model], Policy] = {}
    for app in settings.PROJECT_APPS:
        try:
            module = importlib.import_module(f"{app}.privacy")
        except ModuleNotFoundError:
            continue
        for label, policy in getattr(module, "POLICIES", {}).items():
            found[apps.get_model(label)] = policy
    return found


TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField, models.BinaryField)


def text_fields(model: type[models.Model]) -> list[str]:
    """Concrete fields that can hold text (char, text, email, slug, URL, JSON, arrays of those)."""
    names = []
    for field in model._meta.concrete_fields:
        inner = getattr(field, "base_field", None)
        if isinstance(field, TEXT_FIELDS) or isinstance(inner, TEXT_FIELDS):
            names.append(field.name)
    return names


def unclassified() -> list[str]:
    """Models and text fields no declaration covers (the coverage test prints these)."""
    missing = []
    policies = registry()
    for app in settings.PROJECT_APPS:
        for model in apps.get_app_config(app).get_models():
            policy = policies.get(model)
            if policy is None:
                missing.append(model._meta.label)
                continue
            declared = set(policy.personal) | set(policy.free_text) | set(policy.not_personal)
            missing += [f"{model._meta.label}.{name}" for name in text_fields(model) if name not in declared]
    return missing

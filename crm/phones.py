"""Phone numbers: parsed with `phonenumbers`, stored as E.164 so every format of a number matches."""

from __future__ import annotations

import re

import phonenumbers
from django.core.exceptions import ValidationError

_NOT_DIGITS = re.compile(r"\D")
# Enough digits to be worth a suffix search while the agent is still typing.
MIN_SUFFIX_DIGITS = 4


def normalize_phone(raw: str, *, region: str = "US") -> str:
    """``(415) 555-0100`` in region US, ``415.555.0100`` and ``+1 415 555 0100`` all give ``+14155550100``."""
    text = (raw or "").strip()
    if not text:
        raise ValidationError("Enter a phone number.", code="required")
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        parsed = phonenumbers.parse(text, None if text.startswith("+") else region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(f"{raw!r} is not a phone number.", code="invalid") from exc
    if not phonenumbers.is_possible_number(parsed):
        raise ValidationError(f"{raw!r} is not a possible phone number.", code="invalid")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def try_normalize_phone(raw: str, *, region: str = "US") -> str | None:
    try:
        return normalize_phone(raw, region=region)
    except ValidationError:
        return None


def digits(raw: str) -> str:
    return _NOT_DIGITS.sub("", raw or "")


def looks_like_phone(query: str) -> bool:
    """Mostly digits and phone punctuation, with enough digits to search on."""
    stripped = query.strip()
    return len(digits(stripped)) >= MIN_SUFFIX_DIGITS and re.fullmatch(r"[+\d\s().\-/]+", stripped) is not None

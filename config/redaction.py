"""Card numbers and CVV/CVC codes never reach the database (DESIGN.md invariant 4).

``redact_text`` is the one redaction service: every write path of every free-text
field calls it (services, serializers, forms, admin, imports, Celery), and the
logging filter below applies it to log records.

A card number is 12 to 19 digits, optionally separated by single spaces, dashes
or dots, that passes the Luhn check. It becomes ``**** **** **** 1234`` (the last
four digits at most). A CVV/CVC/CVC2/CID/security code of 3 or 4 digits after such
a keyword becomes ``CVV ***``.
"""

from __future__ import annotations

import logging
import re

# Digit runs with optional single separators, not glued to other digits; a leading "+" marks a phone number.
_CARD_CANDIDATE = re.compile(r"(?<![\d+])(?:\d[ \-.]?){11,18}\d(?![\d])")
_CVV = re.compile(
    r"(?P<label>\b(?:cvv2?|cvc2?|cid|csc|card\s+security\s+code|security\s+code|card\s+verification(?:\s+value)?)\b"
    r"[\s:=#-]*(?:is|was|number|no\.?|code)?[\s:=#-]*)"
    r"(?P<code>\d{3,4})(?!\d)",
    re.IGNORECASE,
)
CARD_MASK = "**** **** **** "


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _mask_card(match: re.Match[str]) -> str:
    raw = match.group(0)
    digits = re.sub(r"\D", "", raw)
    if not 12 <= len(digits) <= 19 or not luhn_valid(digits):
        return raw
    return CARD_MASK + digits[-4:]


def redact_text(value: str) -> str:
    """Return ``value`` with card numbers masked to their last four digits and CVV codes removed."""
    if not value:
        return value
    redacted = _CARD_CANDIDATE.sub(_mask_card, value)
    return _CVV.sub(lambda m: m.group("label") + "***", redacted)


def redact_optional(value: str | None) -> str | None:
    return None if value is None else redact_text(value)


class RedactingFilter(logging.Filter):
    """Logging filter: card numbers and CVV codes never reach a log line either."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            try:
                record.msg = record.getMessage()
            except (TypeError, ValueError):
                return True
            record.args = None
        if isinstance(record.msg, str):
            record.msg = redact_text(record.msg)
        return True

"""Card numbers and CVV/CVC codes never reach the database or a log line (DESIGN.md invariant 4).

``redact_text`` is the one redaction service: every write path of every free-text field calls it
(services, serializers, forms, admin, imports, Celery, the ``pre_save`` catch-all of the privacy
registry) and the logging filter below applies it to every log record. Short structured fields
(tags, external ids, URLs, email addresses) are not rewritten: ``refuse_card`` turns a card
number there into an error naming the field.

How a card is found, whatever way it was typed or pasted:

1. The text is read through a normalised view of the same length: any Unicode decimal digit
   (Arabic-Indic, fullwidth, ...) counts as its ASCII digit; every space and dash class,
   zero-width characters, the soft hyphen, line breaks, ``/``, ``_`` and ``.`` count as a
   separator.
2. A run is digit groups joined by at most three separators. A run of 13 to 19 digits in at
   most eight groups that passes the Luhn check is a card (unless it follows ``+`` or starts
   ``00`` and is a valid international phone number not grouped like a card). Inside a longer
   run whose other groups are short (``ref 12 4111 1111 1111 1111``, ``... 1111 12/27``), a
   stretch of whole groups laid out as cards are (fours or pairs with a shorter tail, 4-6-5,
   4-6-4, or one block) that starts like a card (2-6) and passes the Luhn check is a card.
3. A card becomes ``**** **** **** 1234``: the last four digits at most.

A CVV/CVC/CID/security code of 3 or 4 digits (possibly spaced, ``CVV 1 2 3``) after such a
label, or after ``code on the back``, becomes ``***`` behind its label.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterator
from urllib.parse import unquote_plus

import phonenumbers
from django.core.exceptions import ValidationError

CARD_MASK = "**** **** **** "
MIN_CARD, MAX_CARD = 13, 19
MAX_GROUPS = 8
SHORT_GROUP = 3
CARD_FIRST_DIGITS = "23456"  # Mastercard 2/5, Amex/Diners/JCB 3, Visa 4, Discover/UnionPay 6
_ZERO_WIDTH = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e"}
_SEPARATORS = {"/", "_", ".", "-", "\u2212"}
SEPARATOR = " "

_RUN = re.compile(r"\d+(?: {1,3}\d+)*")
_GROUP = re.compile(r"\d+")
_CVV = re.compile(
    r"(?P<label>\b(?:cvv2?|cvc2?|cvn|cid|csc"
    r"|card\s+security\s+code|security\s+code|verification\s+code|card\s+verification(?:\s+(?:value|code))?"
    r"|code\s+on\s+the\s+back(?:\s+of\s+the\s+card)?|(?:3|4|three|four)\s*digit\s+code)"
    r"(?:\s*(?:is|was|of|number|no|code|the|card|[:=#])){0,4}\s*)"
    r"(?P<code>\d(?: ?\d){2,3})(?! ?\d)",
    re.IGNORECASE,
)


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


_ASCII_SEPARATORS = str.maketrans(dict.fromkeys("\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f/_.-", SEPARATOR))


def _normalised(value: str) -> str:
    """The same text, one character for one: every digit ASCII, every separator a space."""
    if value.isascii():
        return value.translate(_ASCII_SEPARATORS)
    out = []
    for char in value:
        digit = unicodedata.decimal(char, None)
        if digit is not None:
            out.append(str(digit))
        elif char.isspace() or char in _ZERO_WIDTH or char in _SEPARATORS or unicodedata.category(char) == "Pd":
            out.append(SEPARATOR)
        else:
            out.append(char)
    return "".join(out)


def _card_layout(sizes: list[int]) -> bool:
    """Whether groups of these sizes are laid out as card numbers are printed or read out."""
    if len(sizes) == 1 or sizes in ([4, 6, 5], [4, 6, 4]):
        return True
    return any(all(size == k for size in sizes[:-1]) and 1 <= sizes[-1] <= k for k in (2, 4))


def _is_phone(norm: str, start: int, digits: str, sizes: list[int]) -> bool:
    """An international number: ``+`` or ``00`` then a valid phone number (at most 15 digits), not laid
    out in the groups of a card (``+4111 1111 1111 111`` is a card typed after a stray plus)."""
    if len(sizes) > 1 and _card_layout(sizes):
        return False
    if start > 0 and norm[start - 1] == "+":
        international = digits
    elif digits.startswith("00"):
        international = digits[2:]
    else:
        return False
    if len(international) > 15:
        return False
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse("+" + international))
    except phonenumbers.NumberParseException:
        return False


def _cards(norm: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, digits) of each card in the normalised text."""
    for run in _RUN.finditer(norm):
        groups = [(g.start(), g.end(), g.group()) for g in _GROUP.finditer(norm, run.start(), run.end())]
        sizes = [len(g[2]) for g in groups]
        digits = "".join(g[2] for g in groups)
        # At most eight groups: a card read out in pairs has eight; a list of short numbers is not a card.
        if MIN_CARD <= len(digits) <= MAX_CARD and len(groups) <= MAX_GROUPS and luhn_valid(digits):
            if not _is_phone(norm, run.start(), digits, sizes):
                yield run.start(), run.end(), digits
            continue
        # A card among short groups (``ref 12 4111 1111 1111 1111``, ``... 1111 12/27``): every group
        # around it has at most three digits, so a long id or tracking number is never cut into a card.
        for i in range(len(groups)):
            if any(size > SHORT_GROUP for size in sizes[:i]):
                break
            for j in range(len(groups) - 1, i - 1, -1):
                window = "".join(g[2] for g in groups[i : j + 1])
                if (
                    MIN_CARD <= len(window) <= MAX_CARD
                    and window[0] in CARD_FIRST_DIGITS
                    and all(size <= SHORT_GROUP for size in sizes[j + 1 :])
                    and _card_layout(sizes[i : j + 1])
                    and luhn_valid(window)
                ):
                    yield groups[i][0], groups[j][1], window
                    break
            else:
                continue
            break


def contains_card(value: str) -> bool:
    return bool(value) and next(_cards(_normalised(value)), None) is not None


def redact_text(value: str) -> str:
    """Return ``value`` with card numbers masked to their last four digits and CVV codes removed."""
    if not value:
        return value
    norm = _normalised(value)
    edits: list[tuple[int, int, str]] = [(start, end, CARD_MASK + digits[-4:]) for start, end, digits in _cards(norm)]
    edits += [(m.start("code"), m.end("code"), "***") for m in _CVV.finditer(norm)]
    if not edits:
        return value
    out, position = [], 0
    for start, end, replacement in sorted(edits):
        if start < position:
            continue  # inside a card already masked
        out.append(value[position:start])
        out.append(replacement)
        position = end
    out.append(value[position:])
    return "".join(out)


# What ``redact_text`` leaves behind a security code: the label, then the mask.
_CVV_MASKED = re.compile(_CVV.pattern.split("(?P<code>")[0] + r"\*\*\*", re.IGNORECASE)


def shows_redaction(value: str) -> bool:
    """Whether stored text carries the marks ``redact_text`` leaves: card data was typed into it."""
    return bool(value) and (CARD_MASK in value or _CVV_MASKED.search(value) is not None)


def redact_optional(value: str | None) -> str | None:
    return None if value is None else redact_text(value)


def refuse_card(field: str, value: str | None) -> None:
    """For short structured fields (tags, ids, URLs, addresses): a card number there is refused, naming the field."""
    if value and (contains_card(value) or _CVV.search(_normalised(value))):
        raise ValidationError({field: ["This looks like a card number; card data may not be stored."]})


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
            record.msg = _redact_log_line(record.msg)
        return True


def _redact_log_line(line: str) -> str:
    """A log line may carry a URL: a card typed into a query string arrives percent-encoded."""
    redacted = redact_text(line)
    if "%" in line or "+" in line:
        unquoted = unquote_plus(line)
        if redact_text(unquoted) != unquoted:
            return redact_text(unquoted)
    return redacted

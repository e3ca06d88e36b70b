"""Ticket numbers as people read, say and type them (``SB-10432``): the one format and its parser."""

from __future__ import annotations

import re

from django.db.models import CharField, Func, Value
from django.db.models.functions import Cast, Concat

PREFIX = "SB-"
SEQUENCE = "tickets_number_seq"  # created by migration tickets 0002
# What an agent may type for a ticket number: "SB-10432", "sb 10432", "10432".
_TYPED = re.compile(r"^\s*(?:SB)?-?\s*(\d{3,})\s*$", re.IGNORECASE)


def ticket_number_format(sequence_value: int) -> str:
    return f"{PREFIX}{sequence_value}"


def next_ticket_number() -> Concat:
    """The ticket number column's database default: the prefix and the sequence's next value. The number
    comes back with the INSERT, and bulk inserts in SQL get it by leaving the column out."""
    return Concat(Value(PREFIX), Cast(Func(Value(SEQUENCE), function="nextval"), CharField()))


def ticket_number_parse(text: str) -> str | None:
    """The ticket number ``text`` stands for, or None when it does not look like one."""
    match = _TYPED.match(text or "")
    return ticket_number_format(int(match.group(1))) if match else None

"""Ticket numbers as people read, say and type them (``SB-10432``): the one format and its parser."""

from __future__ import annotations

import re

PREFIX = "SB-"
# What an agent may type for a ticket number: "SB-10432", "sb 10432", "10432".
_TYPED = re.compile(r"^\s*(?:SB)?-?\s*(\d{3,})\s*$", re.IGNORECASE)


def ticket_number_format(sequence_value: int) -> str:
    return f"{PREFIX}{sequence_value}"


def ticket_number_parse(text: str) -> str | None:
    """The ticket number ``text`` stands for, or None when it does not look like one."""
    match = _TYPED.match(text or "")
    return ticket_number_format(int(match.group(1))) if match else None

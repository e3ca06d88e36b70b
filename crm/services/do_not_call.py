"""Do-not-call lists: entries one by one (the API, the admin) and in bulk from a CSV file (a national registry
or a client's list: a million lines in seconds, with a report of the lines refused)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TextIO

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from agents.models import Program, User
from agents.permissions import is_admin
from agents.services.audit import audit_record
from config.bulk import bulk_transaction
from config.errors import NotAllowed
from crm.models import DoNotCallEntry, DoNotCallSource
from crm.permissions import can_manage_do_not_call
from crm.phones import try_normalize_phone

_E164 = re.compile(r"\+[1-9]\d{6,14}")
_SEPARATORS = str.maketrans("", "", " -.()/")
# Rows read between two progress updates.
PROGRESS_EVERY = 10_000


def fast_e164(raw: str, *, region: str) -> str | None:
    """E.164 for a list's number, without the full parser for the shapes lists use: already E.164, or a
    North American number of 10 digits (11 with the leading 1); anything else goes through phonenumbers."""
    text = raw.strip()
    if _E164.fullmatch(text):
        return text
    digits = text.translate(_SEPARATORS)
    if region in {"US", "CA"} and digits.isdigit():
        if len(digits) == 10 and digits[0] in "23456789":
            return "+1" + digits
        if len(digits) == 11 and digits[0] == "1" and digits[1] in "23456789":
            return "+" + digits
    return try_normalize_phone(text, region=region) if text else None


@dataclass
class ImportReport:
    lines: int = 0
    added: int = 0
    already: int = 0  # on the list before, or twice in the file
    rejected: list[tuple[int, str, str]] = field(default_factory=list)  # (line, text, why)


def _rows(stream: TextIO) -> Iterable[tuple[int, list[str]]]:
    for number, row in enumerate(csv.reader(stream), start=1):
        if row and any(cell.strip() for cell in row):
            yield number, row


def do_not_call_import(
    *,
    actor: User | None,
    stream: TextIO,
    program: Program | None,
    source: str = DoNotCallSource.IMPORT,
    region: str = "US",
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Loads ``number[,date]`` lines (a header line is skipped) onto ``program``'s list, or the shared one:
    every valid line in one transaction, through COPY; a number already listed stays as it was. Audited."""
    if actor is not None and not can_manage_do_not_call(actor, program.pk if program else None):
        raise NotAllowed("Only admins (and the program's integrators) keep do-not-call lists.")
    if source not in DoNotCallSource.values:
        raise ValidationError({"source": [f"Choose one of: {', '.join(DoNotCallSource.values)}."]})
    report = ImportReport()
    today = timezone.localdate()
    buffer = io.StringIO()
    valid = 0
    for line, row in _rows(stream):
        report.lines = line
        if progress is not None and line % PROGRESS_EVERY == 0:
            progress(PROGRESS_EVERY)
        raw = row[0]
        number = fast_e164(raw, region=region)
        if number is None:
            if line == 1 and not any(ch.isdigit() for ch in raw):
                continue  # the header
            report.rejected.append((line, raw[:40], "not a phone number"))
            continue
        added_on = today
        if len(row) > 1 and row[1].strip():
            try:
                added_on = date.fromisoformat(row[1].strip())
            except ValueError:
                report.rejected.append((line, ",".join(row)[:60], "the date is not YYYY-MM-DD"))
                continue
        buffer.write(f"{number}\t{added_on.isoformat()}\n")
        valid += 1
    if progress is not None:
        progress(report.lines % PROGRESS_EVERY)
    buffer.seek(0)
    with transaction.atomic(), connection.cursor() as cursor:
        bulk_transaction(cursor)
        cursor.execute("CREATE TEMPORARY TABLE dnc_in (number text, added_on date) ON COMMIT DROP")
        with cursor.copy("COPY dnc_in (number, added_on) FROM STDIN") as copy:
            while chunk := buffer.read(1 << 20):
                copy.write(chunk)
        now = timezone.now()
        cursor.execute(
            """
            INSERT INTO crm_donotcallentry (created_at, updated_at, program_id, number, source, added_on, added_by_id)
            SELECT DISTINCT ON (number) %(now)s, %(now)s, %(program)s, number, %(source)s, added_on, %(actor)s
            FROM dnc_in ORDER BY number, added_on
            ON CONFLICT DO NOTHING
            """,
            {
                "now": now,
                "program": program.pk if program else None,
                "source": source,
                "actor": actor.pk if actor else None,
            },
        )
        report.added = cursor.rowcount
        report.already = valid - report.added
        audit_record(
            action="dnc.import",
            actor=actor,
            program=program,
            data={"added": report.added, "already": report.already, "rejected": len(report.rejected)},
        )
    return report


def do_not_call_add(
    *, actor: User, program: Program | None, number: str, source: str, added_on: date | None = None
) -> tuple[DoNotCallEntry, bool]:
    """Puts one number on a list (audited); already there: the entry as it was, and False."""
    if not can_manage_do_not_call(actor, program.pk if program else None):
        raise NotAllowed("Only admins (and the program's integrators) keep do-not-call lists.")
    region = program.default_region if program else "US"
    e164 = fast_e164(number, region=region)
    if e164 is None:
        raise ValidationError({"number": [f"{number!r} is not a phone number."]})
    if source not in DoNotCallSource.values:
        raise ValidationError({"source": [f"Choose one of: {', '.join(DoNotCallSource.values)}."]})
    with transaction.atomic():
        entry, created = DoNotCallEntry.objects.get_or_create(
            program=program,
            number=e164,
            defaults={"source": source, "added_on": added_on or timezone.localdate(), "added_by": actor},
        )
        if created:
            audit_record(action="dnc.add", actor=actor, obj=entry, program=program)
    return entry, created


def do_not_call_remove(*, actor: User, entry: DoNotCallEntry) -> None:
    """Takes a number off a list (audited). A customer's own request is lifted by an admin only."""
    if not can_manage_do_not_call(actor, entry.program_id) or (
        entry.source == DoNotCallSource.CUSTOMER and not is_admin(actor)
    ):
        raise NotAllowed("Only admins lift a customer's do-not-call request.")
    with transaction.atomic():
        audit_record(
            action="dnc.remove", actor=actor, obj=entry, program=entry.program_id, data={"source": entry.source}
        )
        entry.delete()

"""Rewrite the metric rollups of a past range from the calls and agent states (after late data, a fix, or
a restored backup). Safe to stop and run again. A range whose calls retention deleted loses its figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from reports.services.rollup import metrics_restate


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD (UTC)")
        parser.add_argument("--to", dest="end", help="last day, YYYY-MM-DD (UTC; default today)")
        parser.add_argument("--program", type=int, action="append", help="a program id (repeat; default all)")

    def handle(self, *args: Any, start: str, end: str | None, program: list[int] | None, **options: Any) -> None:
        try:
            first = datetime.strptime(start, "%Y-%m-%d").replace(tzinfo=UTC)
            last = datetime.strptime(end, "%Y-%m-%d").replace(tzinfo=UTC) if end else datetime.now(UTC)
        except ValueError as exc:
            raise CommandError(f"--from/--to: give dates as YYYY-MM-DD ({exc}).") from None
        stop = last.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
        if stop <= first:
            raise CommandError("--to must be on or after --from.")
        days = (stop - first).days
        with tqdm(total=days, desc="restated", unit="day", file=self.stdout) as progress:
            for offset in range(days):
                day = first + timedelta(days=offset)
                metrics_restate(start=day, end=day + timedelta(days=1), program_ids=program)
                progress.update(1)
        self.stdout.write(self.style.SUCCESS(f"Rollups of {days} days rewritten."))

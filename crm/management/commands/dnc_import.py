"""Load a do-not-call list from a CSV file: ``number[,YYYY-MM-DD]`` per line, a header line allowed."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from agents.models import Program
from crm.models import DoNotCallSource
from crm.services.do_not_call import do_not_call_import

# Rejected lines printed on the screen; all of them go to --rejects.
SHOWN_REJECTS = 10


class Command(BaseCommand):
    help = "Adds the numbers of a CSV file to a program's do-not-call list (or to the shared list)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--program", help="The program's slug")
        target.add_argument("--shared", action="store_true", help="The list every program honours")
        parser.add_argument("--source", default=DoNotCallSource.IMPORT, choices=DoNotCallSource.values)
        parser.add_argument("--region", default="", help="Region of national numbers (default: the program's, else US)")
        parser.add_argument("--rejects", type=Path, help="Write the refused lines here (CSV: line, text, reason)")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        program = None
        if options["program"]:
            program = Program.objects.filter(slug=options["program"]).first()
            if program is None:
                raise CommandError(f"No program {options['program']!r}.")
        region = options["region"] or (program.default_region if program else "US")
        with path.open(encoding="utf-8-sig", newline="") as counting:
            total = sum(1 for _ in counting)
        with (
            path.open(encoding="utf-8-sig", newline="") as stream,
            tqdm(total=total, unit=" lines", desc="do-not-call", file=self.stderr) as bar,
        ):
            report = do_not_call_import(
                actor=None, stream=stream, program=program, source=options["source"], region=region, progress=bar.update
            )
        self.stdout.write(
            f"{report.lines} lines: {report.added} numbers added, {report.already} already listed, "
            f"{len(report.rejected)} refused."
        )
        for line, text, reason in report.rejected[:SHOWN_REJECTS]:
            self.stdout.write(f"  line {line}: {text!r}: {reason}")
        if options["rejects"] and report.rejected:
            with options["rejects"].open("w", newline="") as out:
                csv.writer(out).writerows([("line", "text", "reason"), *report.rejected])
            self.stdout.write(f"All refused lines: {options['rejects']}")

"""Apply the retention policies now (the nightly beat task does the same)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from crm.services.retention import BATCH_SIZE, retention_preview, retention_run


class Command(BaseCommand):
    help = "Delete or anonymize what the retention policies say has expired. Safe to stop and re-run."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="print what would go, per policy, and stop")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)

    def handle(self, *args: Any, dry_run: bool, batch_size: int, **options: Any) -> None:
        preview = retention_preview()
        width = max(map(len, preview), default=10)
        for target, count in preview.items():
            self.stdout.write(f"  {target:<{width}}  {count:>9} rows expired")
        total = sum(preview.values())
        if dry_run:
            self.stdout.write(f"Dry run: {total} rows would be handled. Nothing was changed.")
            return
        with tqdm(total=total, unit="row", desc="retention", file=self.stderr) as bar:
            result = retention_run(batch_size=batch_size, on_batch=lambda target, rows, seconds: bar.update(rows))
        for target, count in result.items():
            self.stdout.write(f"  {target:<{width}}  {count:>9} rows handled")
        self.stdout.write(self.style.SUCCESS(f"Retention done: {sum(result.values())} rows."))

"""Scan stored free text for card numbers and CVVs that an older version let through, and redact them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from tqdm import tqdm

from config.privacy import registry
from crm.signals import redact_value

BATCH = 1000


class Command(BaseCommand):
    help = "Redact card numbers and CVVs in every free-text field of every model, in batches."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count what would change")

    def handle(self, *args: Any, dry_run: bool, **options: Any) -> None:
        changed_total = 0
        for model, policy in registry().items():
            if not policy.free_text:
                continue
            fields = list(policy.free_text)
            queryset = model._default_manager.order_by("pk")
            changed = 0
            last = 0
            with tqdm(total=queryset.count(), desc=model._meta.label, unit="row", file=self.stderr) as bar:
                while True:
                    rows = list(queryset.filter(pk__gt=last).only("pk", *fields)[:BATCH])
                    if not rows:
                        break
                    last = rows[-1].pk
                    dirty = []
                    for row in rows:
                        before = [getattr(row, name) for name in fields]
                        after = [redact_value(value) for value in before]
                        if before != after:
                            for name, value in zip(fields, after, strict=True):
                                setattr(row, name, value)
                            dirty.append(row)
                    if dirty and not dry_run:
                        with transaction.atomic():
                            model._default_manager.bulk_update(dirty, fields)
                    changed += len(dirty)
                    bar.update(len(rows))
            if changed:
                self.stdout.write(f"  {model._meta.label}: {changed} rows {'to redact' if dry_run else 'redacted'}")
            changed_total += changed
        verb = "would be redacted" if dry_run else "redacted"
        self.stdout.write(self.style.SUCCESS(f"{changed_total} rows {verb}."))

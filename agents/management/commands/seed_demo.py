"""Load demo data: programs, teams, one user per role, and each app's believable records."""

from __future__ import annotations

import importlib
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from agents.management.commands.demo_logins import write_demo_logins
from agents.models import User


class Command(BaseCommand):
    help = (
        "Create demo data, idempotently. --scale N adds N generated customers with history, --tickets M adds M "
        "generated tickets, for benchmarks."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=int, default=0, help="generated customers to add (bulk, for benchmarks)")
        parser.add_argument(
            "--tickets", type=int, default=0, help="generated tickets to add, two comments each (bulk, for benchmarks)"
        )
        parser.add_argument("--force", action="store_true", help="run even with DEBUG off (never on production data)")
        parser.add_argument("--if-empty", action="store_true", help="do nothing when the demo users already exist")

    def handle(self, *args: Any, scale: int, tickets: int, force: bool, if_empty: bool, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo refuses to run with DEBUG off: it creates users with a known password. "
                "Use --force if you mean it."
            )
        if scale < 0:
            raise CommandError("--scale must be zero or a positive number of customers.")
        if tickets < 0:
            raise CommandError("--tickets must be zero or a positive number of tickets.")
        if if_empty and User.objects.filter(username="agent").exists():
            self.stdout.write("Demo data already loaded.")
            return
        started = time.monotonic()
        modules = []
        for module_name in settings.DEMO_SEEDERS:
            try:
                modules.append(importlib.import_module(module_name))
            except ModuleNotFoundError as exc:
                if exc.name != module_name:
                    raise
        for module in modules:
            module.seed(scale=scale, tickets=tickets, stdout=self.stdout)
        # Once every app's records are in, an app may derive from all of them (reports: the metric rollups).
        for module in modules:
            if hasattr(module, "finish"):
                module.finish(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready in {time.monotonic() - started:.1f}s."))
        write_demo_logins(self.stdout.write)

"""Prints every demo login with what it is (``make run`` ends its start-up banner with it)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from agents.demo import DEMO_PASSWORD, demo_logins


def write_demo_logins(write: Any) -> None:
    write(f"Demo logins (password: {DEMO_PASSWORD}):")
    for username, role in demo_logins():
        write(f"  {username:<22} {role}")


class Command(BaseCommand):
    help = "Print the demo logins and what each one is."

    def handle(self, *args: Any, **options: Any) -> None:
        write_demo_logins(self.stdout.write)

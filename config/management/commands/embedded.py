"""Start, stop or show the embedded PostgreSQL and Redis of this checkout."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from config import embedded


class Command(BaseCommand):
    help = "Manage the embedded PostgreSQL and Redis under var/ (used when DATABASE_URL / REDIS_URL are unset)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["status", "start", "stop"])

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "start":
            embedded.postgres_url()
            embedded.redis_url()
        elif action == "stop":
            pg = embedded.postgres_stop()
            rd = embedded.redis_stop()
            self.stdout.write(f"postgres: {'stopped' if pg else 'was not running'}")
            self.stdout.write(f"redis: {'stopped' if rd else 'was not running'}")
            return
        self.stdout.write(
            f"postgres: {'running' if embedded.postgres_is_running() else 'stopped'} ({embedded.VAR_DIR / 'pgdata'})"
        )
        self.stdout.write(
            f"redis: {'running' if embedded.redis_is_running() else 'stopped'} ({embedded.redis_socket_path()})"
        )

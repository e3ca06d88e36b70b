"""Print a new API token once, alone on the last line."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from agents.models import User
from integrations.services.tokens import token_create


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print it once (store it now: it cannot be shown again)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--expires-days", type=int, default=90, help="0 for a token that never expires")
        parser.add_argument("--name", default="", help="what the token is for, e.g. 'Genesys CTI'")

    def handle(self, *args: Any, username: str, expires_days: int, name: str, **options: Any) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        if not user.is_active:
            raise CommandError(f"User {username!r} is disabled.")
        if expires_days < 0:
            raise CommandError("--expires-days must be 0 (never) or more.")
        token, raw = token_create(user=user, name=name or f"{username} token", expires_days=expires_days or None)
        expiry = f"expires {token.expires_at:%Y-%m-%d}" if token.expires_at else "never expires"
        self.stderr.write(f"Token {token.prefix}… for {username} ({expiry}). It is shown once:")
        self.stdout.write(raw)

from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate, pre_migrate


def _no_statement_limit_while_migrating(*, using: str = "default", **kwargs: Any) -> None:
    """Migrations build indexes over every row (a million tickets: seconds here, minutes on a bigger
    table): the web's 30 s statement limit (settings) must not cut them off half way."""
    with connections[using].cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")


def _statement_limit_again(*, using: str = "default", **kwargs: Any) -> None:
    with connections[using].cursor() as cursor:
        cursor.execute("RESET statement_timeout")  # back to the connection's own (settings)


class ConfigConfig(AppConfig):
    """The project package as an app: cross-app commands (run, seed_demo) and health checks."""

    name = "config"
    verbose_name = "Switchboard"

    def ready(self) -> None:
        pre_migrate.connect(_no_statement_limit_while_migrating, dispatch_uid="config.no_statement_limit")
        post_migrate.connect(_statement_limit_again, dispatch_uid="config.statement_limit_again")

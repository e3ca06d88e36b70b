"""Enqueue a Celery task after the current transaction commits, by its registered name.

Services name the task instead of importing it: a ``tasks`` module imports its
services (a task is just another caller of a service), so a service importing
its task would close a cycle. The name is checked against the registry, so a
typo fails at once, not silently in the worker.
"""

from __future__ import annotations

from functools import partial

from django.db import transaction

from config.celery import app


def _registered(name: str) -> bool:
    if name not in app.tasks:
        app.loader.import_default_modules()  # imports every app's tasks module once
    return name in app.tasks


def enqueue_on_commit(name: str, *args: object) -> None:
    """Send task ``name`` with ``args`` once the transaction commits (DESIGN.md invariant 3)."""
    if not _registered(name):
        raise LookupError(f"no Celery task is registered as {name!r}")
    transaction.on_commit(partial(app.send_task, name, args=args))

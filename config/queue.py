"""Enqueue a Celery task after the current transaction commits, by its registered name.

Services name the task instead of importing it: a ``tasks`` module imports its
services (a task is just another caller of a service), so a service importing
its task would close a cycle. The name is checked against the registry, so a
typo fails at once, not silently in the worker.
"""

from __future__ import annotations

import logging
from functools import partial

from django.db import transaction

from config.celery import app

logger = logging.getLogger(__name__)


def _registered(name: str) -> bool:
    if name not in app.tasks:
        app.loader.import_default_modules()  # imports every app's tasks module once
    return name in app.tasks


def enqueue_on_commit(name: str, *args: object) -> None:
    """Send task ``name`` with ``args`` once the transaction commits (DESIGN.md invariant 3).

    The work itself is a row the transaction wrote (a delivery, a notification, a data request);
    the task only brings it forward. With the broker down the send is skipped with a warning and
    the periodic dispatcher picks the row up once Redis is back (invariant 11): never an error
    after the user's data was committed.
    """
    if not _registered(name):
        raise LookupError(f"no Celery task is registered as {name!r}")
    transaction.on_commit(partial(_send, name, args))


def _send(name: str, args: tuple[object, ...]) -> None:
    try:
        app.send_task(name, args=args)
    except Exception as exc:  # noqa: BLE001 - kombu raises many kinds; any of them means "not now"
        logger.warning("broker unavailable (%s): %s%r left for the dispatcher", exc.__class__.__name__, name, args)

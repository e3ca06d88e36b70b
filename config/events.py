"""Domain events: services announce what happened; subscribers (webhooks, ...) react.

A service calls ``publish("ticket.created", program=..., payload={...})`` (or
``program_id=...``) inside its transaction. Subscribers run right there, in the same transaction, and
write what they owe as rows (the webhook deliveries are an outbox): a rollback
takes the event and its rows with it, and a commit keeps both, whatever happens to
Redis afterwards (DESIGN.md invariants 3 and 11). Anything that leaves the process
(an HTTP call, an email) happens after commit, from those rows. Payloads hold ids
and non-personal facts; a subscriber that needs more reads it.

Event names: ``ticket.created``, ``ticket.updated``, ``call.logged``,
``approval.requested``, ``approval.decided``, ``follow_up.due``,
``customer.erased``, ``survey.answered`` (the webhook catalogue).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models

from config.hooks import app_hooks

Subscriber = Callable[[str, int | None, dict[str, Any], models.Model | None], None]
_subscribers: list[Subscriber] = []

EVENT_NAMES = (
    "ticket.created",
    "ticket.updated",
    "call.logged",
    "call.updated",
    "approval.requested",
    "approval.decided",
    "follow_up.due",
    "customer.erased",
    "customer.merged",
    "survey.answered",
)


def subscribe(subscriber: Subscriber) -> Subscriber:
    """Register a subscriber at run time (tests); apps list theirs as ``event_subscribers`` on their AppConfig."""
    if subscriber not in _subscribers:
        _subscribers.append(subscriber)
    return subscriber


def unsubscribe(subscriber: Subscriber) -> None:
    if subscriber in _subscribers:
        _subscribers.remove(subscriber)


_NOT_SAID: Any = object()


def publish(
    event: str, *, program_id: int | None = _NOT_SAID, payload: dict[str, Any], program: models.Model | None = None
) -> None:
    """Announces ``event`` to every subscriber, as ``subscriber(event, program_id, payload, program)``.

    ``program``: the program's row, when the publisher holds it (``program_id`` is then its id). A subscriber
    reading the program's settings reads them from memory with it (``agents.settings_cache``), and from the
    database with the id alone."""
    if event not in EVENT_NAMES:
        raise ValueError(f"unknown event {event!r}; add it to config.events.EVENT_NAMES")
    if program is not None:
        program_id = program.pk
    elif program_id is _NOT_SAID:  # an event without a program reaches every integrator: say so with None
        raise TypeError(f"publish({event!r}) needs program= or program_id=")
    # Apps subscribe by naming callables in ``event_subscribers`` on their AppConfig (config.hooks).
    for subscriber in [*app_hooks("event_subscribers"), *_subscribers]:
        subscriber(event, program_id, payload, program)

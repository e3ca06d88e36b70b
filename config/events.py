"""Domain events: services announce what happened; subscribers (webhooks, ...) react.

A service calls ``publish("ticket.created", program_id=..., payload={...})``
inside its transaction. Subscribers run right there, in the same transaction, and
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

from config.hooks import app_hooks

Subscriber = Callable[[str, int | None, dict[str, Any]], None]
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


def publish(event: str, *, program_id: int | None, payload: dict[str, Any]) -> None:
    if event not in EVENT_NAMES:
        raise ValueError(f"unknown event {event!r}; add it to config.events.EVENT_NAMES")
    # Apps subscribe by naming callables in ``event_subscribers`` on their AppConfig (config.hooks).
    for subscriber in [*app_hooks("event_subscribers"), *_subscribers]:
        subscriber(event, program_id, payload)

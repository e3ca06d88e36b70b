"""Push to the browser: a message for a user reaches every open tab of that user, whichever web
process it is connected to (Django Channels, groups carried by Redis).

Pushes are nudges, never the record: a tab that misses one (Redis down, a reconnect) re-reads
the state from the server when it (re)connects, so nothing is lost with them.
"""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def push_to_users(user_ids: list[int] | set[int], kind: str, **data: Any) -> None:
    """After the current transaction commits, send ``{"kind": kind, **data}`` to each user's open tabs."""
    recipients = sorted({uid for uid in user_ids if uid})
    if recipients:
        transaction.on_commit(lambda: _send(recipients, {"kind": kind, **data}))


def _send(user_ids: list[int], message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        for user_id in user_ids:
            async_to_sync(layer.group_send)(user_group(user_id), {"type": "push.message", "message": message})
    except Exception:  # noqa: BLE001 - a lost nudge must never fail the request that caused it
        logger.warning("push of %s to users %s failed; their tabs catch up on reconnect", message["kind"], user_ids)

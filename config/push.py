"""Push to the browser: a message for a user reaches every open tab of that user, whichever web
process it is connected to (Django Channels, groups carried by Redis).

Pushes are nudges, never the record: a tab that misses one (Redis down, a reconnect) re-reads
the state from the server when it (re)connects, so nothing is lost with them.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest

logger = logging.getLogger(__name__)
SEND_TIMEOUT = 1.0  # seconds


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

    async def send_all() -> None:
        sends = [layer.group_send(user_group(uid), {"type": "push.message", "message": message}) for uid in user_ids]
        # A Redis that hangs costs the request at most this long.
        await asyncio.wait_for(asyncio.gather(*sends), timeout=SEND_TIMEOUT)

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        run = async_to_sync(send_all)
    else:
        # Called from a thread that runs an event loop (an async caller, a browser test): send from another.
        def run() -> None:
            with ThreadPoolExecutor(max_workers=1) as pool:
                pool.submit(async_to_sync(send_all)).result()

    try:
        run()
    except Exception as exc:  # noqa: BLE001 - a lost nudge must never fail the request that caused it
        logger.warning("push of %s to users %s failed (%s); their tabs catch up", message["kind"], user_ids, exc)


def push_url_for(request: HttpRequest) -> str:
    """Where this page's tabs connect: ``PUSH_URL`` when set (behind a proxy), else the push server that
    `make run` starts on the page's own host at ``PUSH_PORT``."""
    if settings.PUSH_URL:
        return str(settings.PUSH_URL)
    scheme = "wss" if request.is_secure() else "ws"
    host = request.get_host()
    hostname = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    return f"{scheme}://{hostname}:{settings.PUSH_PORT}/ws/push/"


def push_origin_for(request: HttpRequest) -> str:
    """The push URL's origin, which the Content-Security-Policy lets pages connect to."""
    url = urlsplit(push_url_for(request))
    return f"{url.scheme}://{url.netloc}"

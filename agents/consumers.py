"""The push channel's server side: one WebSocket per open tab (served by the ASGI push server)."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from agents.services import agent_seen
from config.push import user_group


class PushConsumer(AsyncJsonWebsocketConsumer):
    """One open tab. Signed-in users only; the browser's session cookie identifies them."""

    group: str | None = None

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=4401)
            return
        self.group = user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json({"kind": "hello"})

    async def disconnect(self, code: int) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        # The page pings to keep proxies from closing an idle socket; nothing else is accepted.
        # Each ping also tells the idle sweep that the agent is still at the desk.
        if isinstance(content, dict) and content.get("kind") == "ping":
            await database_sync_to_async(agent_seen)(user_id=self.scope["user"].pk)
            await self.send_json({"kind": "pong"})

    async def push_message(self, event: dict[str, Any]) -> None:
        await self.send_json(event["message"])

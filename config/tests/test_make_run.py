"""`make run` end to end: the real orchestrator, web + worker + beat, a demo agent logging in, Ctrl-C."""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql
from websockets.sync.client import connect as ws_connect

from conftest import _database_url, free_port

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
def run_database(django_db_blocker: Any) -> Iterator[str]:
    """A brand-new, empty database on the test server, as on a first `make run`."""
    from django.db import connection

    params = dict(connection.settings_dict)
    params["NAME"] = f"{params['NAME']}_make_run"
    host = params.get("HOST") or (params.get("OPTIONS") or {}).get("host") or None
    admin = {"dbname": "postgres", "user": params.get("USER") or None, "host": host}
    if params.get("PORT"):
        admin["port"] = params["PORT"]
    if params.get("PASSWORD"):
        admin["password"] = params["PASSWORD"]
    name = sql.Identifier(params["NAME"])
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))
    yield _database_url(params)
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))


def _wait_for_line(proc: subprocess.Popen[str], pattern: str, seen: list[str], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    assert proc.stdout is not None
    os.set_blocking(proc.stdout.fileno(), False)
    while time.monotonic() < deadline and proc.poll() is None:
        line = proc.stdout.readline()
        if not line:
            time.sleep(0.2)
            continue
        seen.append(line)
        if re.search(pattern, line):
            return True
    return False


def _child(parent: int, command: str) -> int:
    """The pid of the child of ``parent`` whose command line contains ``command``."""
    found = subprocess.run(["pgrep", "-P", str(parent), "-f", command], capture_output=True, text=True).stdout.split()
    assert found, f"no process runs {command!r}"
    return int(found[0])


def _login(base: str, username: str, password: str, jar: http.cookiejar.CookieJar | None = None) -> tuple[int, str]:
    jar = jar if jar is not None else http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/accounts/login/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, "the login page has no CSRF token"
    form = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)}
    ).encode()
    request = urllib.request.Request(  # noqa: S310 - our own loopback URL
        f"{base}/accounts/login/", data=form, headers={"Referer": f"{base}/accounts/login/"}
    )
    with opener.open(request, timeout=30) as response:
        return response.status, response.geturl()


def test_make_run_serves_the_product_and_ctrl_c_stops_everything(run_database, settings, tmp_path):
    port, push_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS"))}
    env.update(
        {
            "DATABASE_URL": run_database,
            "REDIS_URL": settings.REDIS_URL,
            "SWITCHBOARD_PORT": str(port),
            "SWITCHBOARD_PUSH_PORT": str(push_port),
            "CELERYBEAT_SCHEDULE_FILE": str(tmp_path / "beat-schedule"),
            "PYTHONUNBUFFERED": "1",
        }
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "config.run"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # Ctrl-C goes to a terminal's whole process group; so does our SIGINT
    )
    output: list[str] = []
    groups: set[int] = set()
    try:
        assert _wait_for_line(proc, r"Ctrl-C stops everything", output, timeout=240), "".join(output[-40:])
        assert any("Switchboard is running" in line for line in output)
        from agents.demo import USERS

        logins = "".join(output[next(i for i, line in enumerate(output) if "Switchboard is running" in line) :])
        missing = [username for username, *_ in USERS if f"  {username} " not in logins]
        assert missing == [], f"the banner, printed last, leaves out {missing}"
        base = f"http://127.0.0.1:{port}"
        with urllib.request.urlopen(f"{base}/accounts/login/", timeout=10) as response:  # noqa: S310 - loopback
            assert response.status == 200
        jar = http.cookiejar.CookieJar()
        status, landed = _login(base, "agent", "switchboard-demo", jar)
        assert status == 200
        assert not landed.rstrip("/").endswith("/accounts/login"), "the demo agent could not log in"
        # The push server is up and knows the agent by its session cookie.
        cookies = "; ".join(f"{c.name}={c.value}" for c in jar)
        with ws_connect(
            f"ws://127.0.0.1:{push_port}/ws/push/", additional_headers={"Cookie": cookies, "Origin": base}
        ) as socket:
            assert '"hello"' in socket.recv(timeout=10)
        # The worker and beat were started too: they report in the log.
        started = re.compile(r"worker1@\S+ ready|beat: Starting")
        if not any(started.search(line) for line in output):
            assert _wait_for_line(proc, started.pattern, output, timeout=60), "".join(output[-40:])
        # Served as production serves it: DEBUG off, a styled 404, static files from WhiteNoise.
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"{base}/no-such-page/", timeout=10)  # noqa: S310 - loopback
        page = missing.value.read().decode()
        assert missing.value.code == 404
        assert "URLconf" not in page
        assert "Switchboard" in page
        with urllib.request.urlopen(f"{base}/static/css/app.css", timeout=10) as response:  # noqa: S310
            assert response.status == 200
        # A card typed into a query string reaches no log line (gunicorn's access log included).
        card = urllib.parse.quote("4111 1111 1111 1111")
        with contextlib.suppress(urllib.error.HTTPError):
            urllib.request.urlopen(f"{base}/customers/?q={card}", timeout=10)  # noqa: S310 - loopback
        assert _wait_for_line(proc, r"GET /customers/\?q=", output, timeout=20), "".join(output[-20:])
        logged = "".join(output)
        assert "4111%201111" not in logged
        assert "4111 1111 1111 1111" not in logged
        # A worker killed outright is started again; the web server keeps answering meanwhile.
        worker = _child(proc.pid, "celery -A config worker")
        os.kill(worker, signal.SIGKILL)
        assert _wait_for_line(proc, r"worker exited with code .*starting it again", output, timeout=30)
        with urllib.request.urlopen(f"{base}/healthz", timeout=10) as response:  # noqa: S310 - loopback
            assert response.status == 200
        assert _wait_for_line(proc, r"worker1@\S+ ready", output, timeout=90), "".join(output[-40:])
        # Each child leads its own process group (the killed worker's too): all must be empty at the end.
        children = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
        groups = {int(pid) for pid in children} | {worker}
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            raise
        if proc.stdout:
            output.extend(proc.stdout.read().splitlines(keepends=True))
    assert proc.returncode == 0, "".join(output[-40:])
    assert any("stopped" in line for line in output)
    # Nothing it started is left behind: not in its own process group, nor in any child's.
    for group in {proc.pid, *groups}:
        leftovers = subprocess.run(["pgrep", "-g", str(group)], capture_output=True, text=True).stdout.split()
        assert leftovers == [], f"group {group} still has {leftovers}"

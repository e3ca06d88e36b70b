"""Shared bench plumbing: a dedicated database, a real gunicorn server on loopback, latency percentiles.

Benchmarks never run inside the test suite; they print their figures.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DB = "switchboard_bench"


def bench_env(database: str = BENCH_DB) -> dict[str, str]:
    """DATABASE_URL pointing at a separate bench database (embedded server unless DATABASE_URL is set)."""
    sys.path.insert(0, str(BASE_DIR))
    env = os.environ.copy()
    if env.get("DATABASE_URL"):
        url = env["DATABASE_URL"]
    else:
        from config import embedded

        url = embedded.postgres_url()
    parts = urllib.parse.urlsplit(url)
    bench_url = urllib.parse.urlunsplit(parts._replace(path=f"/{database}"))
    admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone():
            conn.execute(f'CREATE DATABASE "{database}"')
    env.update({"DATABASE_URL": bench_url, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "true"})
    if not env.get("REDIS_URL"):
        from config import embedded

        env["REDIS_URL"] = embedded.redis_url()
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


def django_json(env: dict[str, str], code: str) -> Any:
    """What ``code`` (run by ``manage.py shell`` on the bench database) prints last, read as JSON."""
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return json.loads(out.strip().splitlines()[-1])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# Production-like: DEBUG off (no static-file rescans, no query log), plain HTTP on loopback.
PRODUCTION_LIKE = {
    "DEBUG": "false",
    "SECRET_KEY": "bench-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "false",
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
    "SECURE_HSTS_SECONDS": "0",
    "API_RATE": "1000000/minute",
}


def _wait_for(url: str, seconds: float = 20) -> None:
    """Until a server started in the background answers (or the time is up: the bench then fails loudly)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)  # noqa: S310 - loopback
            return
        except OSError:
            time.sleep(0.1)


@contextmanager
def server(env: dict[str, str], workers: int = 2) -> Iterator[str]:
    port = _free_port()
    env = {**env, **PRODUCTION_LIKE}
    manage(env, "collectstatic", "--noinput", "-v", "0")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=BASE_DIR,
        env=env,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base + "/healthz")
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)


def session_opener(base: str, username: str, password: str) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/accounts/login/").read().decode()  # loopback
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    data = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
    login = urllib.request.Request(base + "/accounts/login/", data=data.encode(), headers={"Referer": base})  # noqa: S310
    opener.open(login)
    return opener


def measure(name: str, call: Callable[[int], None], count: int, warmup: int = 20) -> dict[str, float]:
    for i in range(warmup):
        call(i)
    samples = []
    for i in range(count):
        started = time.perf_counter()
        call(i)
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    figures = {
        "p50": statistics.median(samples),
        "p95": samples[int(len(samples) * 0.95) - 1],
        "max": samples[-1],
    }
    print(
        f"{name:<40} n={count:<6} p50={figures['p50']:7.2f} ms  "
        f"p95={figures['p95']:7.2f} ms  max={figures['max']:7.2f} ms"
    )
    return figures


@contextmanager
def push_server(env: dict[str, str]) -> Iterator[int]:
    """The push server as `make run` starts it (uvicorn, config.asgi); yields its port. Start the page server
    with SWITCHBOARD_PUSH_PORT set to it so pages connect here."""
    port = _free_port()
    from config.run import push_server_command

    proc = subprocess.Popen(
        push_server_command("127.0.0.1", port), cwd=BASE_DIR, env={**env, **PRODUCTION_LIKE}, start_new_session=True
    )
    try:
        _wait_for(f"http://127.0.0.1:{port}/healthz")
        yield port
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)

"""Fixtures shared by every app's tests: two programs and a user of each role in the first."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from agents.models import Program, Role, Team, User
from agents.tests.factories import ProgramFactory, TeamFactory, make_user
from config.hours import ALL_DAY
from crm.models import CallingHours

BASE_DIR = Path(__file__).resolve().parent


@dataclass
class World:
    """Program A with a team and one user per role; program B with its own agent."""

    program_a: Program
    program_b: Program
    team_a: Team
    team_b: Team
    agent: User
    supervisor: User
    manager: User
    knowledge_manager: User
    qa_reviewer: User
    admin: User
    integrator: User
    agent_b: User


@pytest.fixture
def world(db: None) -> World:
    program_a = ProgramFactory(name="Acme", slug="acme", default_region="US")
    program_b = ProgramFactory(name="Northwind", slug="northwind", default_region="GB", time_zone="Europe/London")
    team_a = TeamFactory(name="Acme front", slug="acme-front", programs=[program_a])
    team_b = TeamFactory(name="Northwind front", slug="northwind-front", programs=[program_b])
    # Tickets that no category routes land in each program's front line.
    Program.objects.filter(pk=program_a.pk).update(default_team=team_a)
    Program.objects.filter(pk=program_b.pk).update(default_team=team_b)
    program_a.default_team, program_b.default_team = team_a, team_b
    # Both programs call around the clock, so tests of other rules do not depend on the hour they run at;
    # the calling-hours tests set their own (crm/tests/test_outbound_rules.py).
    for program in (program_a, program_b):
        CallingHours.objects.create(program=program, windows=ALL_DAY)
    agent = make_user(Role.AGENT, team=team_a, username="agent")
    supervisor = make_user(Role.SUPERVISOR, team=team_a, supervisor=True, username="supervisor")
    manager = make_user(Role.MANAGER, team=team_a, username="manager")
    knowledge_manager = make_user(Role.KNOWLEDGE_MANAGER, username="knowledge_manager")
    knowledge_manager.programs.add(program_a)
    qa_reviewer = make_user(Role.QA_REVIEWER, username="qa_reviewer")
    qa_reviewer.programs.add(program_a)
    admin = make_user(Role.ADMIN, username="admin")
    integrator = make_user(Role.INTEGRATOR, username="integrator")
    integrator.programs.add(program_a)
    agent_b = make_user(Role.AGENT, team=team_b, username="agent_b")
    return World(
        program_a, program_b, team_a, team_b, agent, supervisor, manager, knowledge_manager, qa_reviewer, admin,
        integrator, agent_b,
    )  # fmt: skip


# --- Real Celery workers --------------------------------------------------------


class WorkerProcesses:
    """Real ``celery worker`` / ``celery beat`` processes on the test broker and test database.

    Tests using it must be ``django_db(transaction=True)``: a worker is another
    process and only sees committed rows.
    """

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.processes: list[subprocess.Popen[bytes]] = []

    def start_worker(
        self, name: str = "w1", *, concurrency: int = 2, extra: tuple[str, ...] = ()
    ) -> subprocess.Popen[bytes]:
        """Its database sessions are named ``switchboard-<name>`` (pg_stat_activity.application_name)."""
        command = [
            sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "WARNING",
            "--concurrency", str(concurrency), "-n", f"{name}@%h", "--without-mingle", "--without-gossip", *extra,
        ]  # fmt: skip
        return self._spawn(command, {"PGAPPNAME": f"switchboard-{name}"})

    def start_beat(self, name: str = "beat1") -> subprocess.Popen[bytes]:
        schedule = Path(tempfile.mkdtemp(prefix="switchboard-beat-")) / f"{name}-schedule"
        command = [sys.executable, "-m", "celery", "-A", "config", "beat", "-l", "WARNING", "-s", str(schedule)]
        return self._spawn(command)

    def _spawn(self, command: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(command, cwd=BASE_DIR, env={**self.env, **(env or {})}, start_new_session=True)
        self.processes.append(proc)
        return proc

    def stop(self, proc: subprocess.Popen[bytes], *, kill: bool = False) -> None:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL if kill else signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()

    def stop_all(self) -> None:
        for proc in self.processes:
            self.stop(proc)


@pytest.fixture
def celery_processes(transactional_db: None, settings: Any) -> Iterator[WorkerProcesses]:
    """Start real workers/beats with ``celery_processes.start_worker()``; all are stopped afterwards."""
    from django.db import connection

    params = connection.settings_dict
    env = os.environ.copy()
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings_test",
            # The worker must use the test database pytest-django created, not the dev one.
            "DATABASE_URL": _database_url(params),
            "REDIS_URL": settings.REDIS_URL,
            "PYTHONUNBUFFERED": "1",
        }
    )
    _purge_test_broker(settings)
    workers = WorkerProcesses(env)
    yield workers
    workers.stop_all()
    _purge_test_broker(settings)


@pytest.fixture(scope="session")
def production_static(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Static files collected as production collects them (hashed names, compressed), for live servers that
    run with DEBUG off; a directory per test session, so parallel workers never write the same files."""
    root = tmp_path_factory.mktemp("static")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS"))}
    env.update({"DEBUG": "false", "SECRET_KEY": "collectstatic-" + "x" * 50, "ALLOWED_HOSTS": "127.0.0.1"})
    env["STATIC_ROOT"] = str(root)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=BASE_DIR, env=env, check=True,
    )  # fmt: skip
    return str(root)


def free_port() -> int:
    """A loopback TCP port nothing listens on right now."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _database_url(params: dict[str, Any]) -> str:
    from urllib.parse import quote

    user = quote(params.get("USER") or "")
    password = quote(params.get("PASSWORD") or "")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    # The embedded server is reached through its socket directory, given in OPTIONS.
    host = params.get("HOST") or (params.get("OPTIONS") or {}).get("host") or ""
    port = params.get("PORT") or ""
    name = params["NAME"]
    if host.startswith("/"):
        return f"postgresql://{auth}/{name}?host={quote(host)}" + (f"&port={port}" if port else "")
    return f"postgresql://{auth}{host}{':' + str(port) if port else ''}/{name}"


def _purge_test_broker(settings: Any) -> None:
    import redis

    url = settings.CELERY_BROKER_URL
    url = "unix://" + url[len("redis+socket://") :] if url.startswith("redis+socket://") else url
    redis.Redis.from_url(url).flushdb()


@pytest.fixture
def push_server(transactional_db: None, settings: Any) -> Iterator[str]:
    """The push server as `make run` starts it (uvicorn serving config.asgi), on the test database and
    this test worker's channel layer; pages rendered meanwhile connect to it. Yields its URL."""
    import time
    import urllib.request

    from django.db import connection

    from config.run import push_server_command

    port = free_port()
    settings.PUSH_PORT = port
    env = os.environ.copy()
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings_test",
            "DATABASE_URL": _database_url(connection.settings_dict),
            "REDIS_URL": settings.REDIS_URL,
            "PYTHONUNBUFFERED": "1",
        }
    )
    proc = subprocess.Popen(push_server_command("127.0.0.1", port), cwd=BASE_DIR, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    yield f"ws://127.0.0.1:{port}/ws/push/"
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()

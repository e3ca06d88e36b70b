"""`make run`: the whole product on one machine, as production runs it, until Ctrl-C.

Starts the embedded PostgreSQL and Redis unless DATABASE_URL / REDIS_URL are set, migrates,
collects the static files, loads the demo data the first time, then runs gunicorn (DEBUG off,
static files from WhiteNoise, styled error pages), a Celery worker and Celery beat. A child
that dies is started again (a crashed worker does not take the web server down with it); one
that keeps dying within seconds is given up on. Ctrl-C stops every process it started,
including the embedded servers it had to start.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from config import embedded

BASE_DIR = Path(__file__).resolve().parent.parent
HOST = os.environ.get("SWITCHBOARD_HOST", "127.0.0.1")
PORT = os.environ.get("SWITCHBOARD_PORT", "8000")
PUSH_PORT = os.environ.get("SWITCHBOARD_PUSH_PORT", str(int(PORT) + 1))
# A child that exits this many times within the window is not started again.
MAX_RESTARTS, RESTART_WINDOW = 5, 60.0


def push_server_command(host: str, port: int | str, python: str = sys.executable) -> list[str]:
    """The push channel's server (WebSockets: screen pops, the call bar, decisions). ASGI, so one process
    holds thousands of idle connections; pages stay on gunicorn. Tests and benchmarks start the same."""
    return [
        python, "-m", "uvicorn", "config.asgi:application", "--host", host, "--port", str(port),
        "--ws", "websockets-sansio", "--lifespan", "off", "--no-access-log", "--log-level", "warning",
        "--timeout-graceful-shutdown", "2",
    ]  # fmt: skip


def _say(message: str) -> None:
    print(f"[switchboard] {message}", flush=True)


def _prepare_environment() -> tuple[dict[str, str], list[str]]:
    env = os.environ.copy()
    started: list[str] = []
    if not env.get("DATABASE_URL"):
        if not embedded.postgres_is_running():
            _say("starting embedded PostgreSQL (data in var/pgdata)")
            started.append("postgres")
        env["DATABASE_URL"] = embedded.postgres_url()
    else:
        _say("using DATABASE_URL")
    if not env.get("REDIS_URL"):
        if not embedded.redis_is_running():
            _say("starting embedded Redis (data in var/redis)")
            started.append("redis")
        env["REDIS_URL"] = embedded.redis_url()
    else:
        _say("using REDIS_URL")
    env.setdefault("PYTHONUNBUFFERED", "1")
    # Production settings on a laptop: DEBUG off, but plain http on loopback.
    env.setdefault("DEBUG", "false")
    env.setdefault("SECRET_KEY", _local_secret_key())
    env.setdefault("ALLOWED_HOSTS", f"{HOST},localhost,127.0.0.1")
    env.setdefault("SWITCHBOARD_PUSH_PORT", PUSH_PORT)
    for name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"):
        env.setdefault(name, "false")
    env.setdefault("SECURE_HSTS_SECONDS", "0")
    return env, started


def _local_secret_key() -> str:
    """One key per checkout, kept in var/ so sessions survive a restart."""
    path = embedded.VAR_DIR / "secret_key"
    if not path.exists():
        embedded.VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


def _wait_for_web(url: str, processes: dict[str, subprocess.Popen[bytes]], timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if processes["web"].poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own loopback URL
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.3)
    return False


def _start(command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    # Each child leads a process group of its own: stopping it (or tidying up after it crashed) reaches the
    # processes it forked too, such as a killed worker's pool processes, which would otherwise linger.
    return subprocess.Popen(command, cwd=BASE_DIR, env=env, start_new_session=True)


def _signal_group(proc: subprocess.Popen[bytes], signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signum)


def _stop(processes: dict[str, subprocess.Popen[bytes]]) -> None:
    for proc in processes.values():
        _signal_group(proc, signal.SIGTERM)
    deadline = time.monotonic() + 15
    for name, proc in processes.items():
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _say(f"{name} did not stop in time; killing it")
            _signal_group(proc, signal.SIGKILL)
            proc.wait()
    time.sleep(0.5)  # the forked children answer their group's signal too; then nothing may be left
    for proc in processes.values():
        _signal_group(proc, signal.SIGKILL)


def main() -> int:
    env, started = _prepare_environment()
    processes: dict[str, subprocess.Popen[bytes]] = {}
    # Ctrl-C reaches us (the children have process groups of their own): we stop them and tidy up.
    stopping = False

    def _on_signal(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    try:
        _say("applying migrations")
        _manage(env, "migrate", "--noinput")
        _manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        _manage(env, "seed_demo", "--if-empty", "--force")
        python = sys.executable
        commands = {
            "web": [
                python, "-m", "gunicorn", "config.wsgi", "-c", str(BASE_DIR / "config" / "gunicorn.py"),
                "--bind", f"{HOST}:{PORT}",
            ],
            "push": push_server_command(HOST, PUSH_PORT),
            "worker": [
                python, "-m", "celery", "-A", "config", "worker", "-l", "INFO",
                "--concurrency", "2", "-n", "worker1@%h",
            ],
            "beat": [
                python, "-m", "celery", "-A", "config", "beat", "-l", "INFO",
                "-s", os.environ.get("CELERYBEAT_SCHEDULE_FILE", str(embedded.VAR_DIR / "celerybeat-schedule")),
            ],
        }  # fmt: skip
        embedded.VAR_DIR.mkdir(parents=True, exist_ok=True)
        for name, command in commands.items():
            processes[name] = _start(command, env)
        restarts: dict[str, list[float]] = {name: [] for name in commands}
        url = f"http://{HOST}:{PORT}/"
        if _wait_for_web(url + "healthz", processes):
            # Last, once the worker has reported in (/readyz), so its own start-up lines do not bury it.
            if not _wait_for_web(url + "readyz", processes, timeout=90):
                _say("the worker has not reported in yet: background jobs may lag (see /readyz)")
            _say(f"Switchboard is running: {url}")
            _manage(env, "demo_logins")
            _say("the integrator signs in with a token only: .venv/bin/python manage.py create_api_token integrator")
            _say(f"push server (screen pops, the call bar): ws://{HOST}:{PUSH_PORT}/ws/push/")
            _say(f"API docs: {url}api/docs/   ·   Ctrl-C stops everything")
        else:
            _say("the web server did not come up; see the messages above")
            stopping = True
        while not stopping:
            for name, proc in list(processes.items()):
                if proc.poll() is None or stopping:
                    continue
                recent = [at for at in restarts[name] if at > time.monotonic() - RESTART_WINDOW]
                if len(recent) >= MAX_RESTARTS:
                    _say(f"{name} keeps exiting (code {proc.returncode}); stopping everything")
                    stopping = True
                    break
                _say(f"{name} exited with code {proc.returncode}; starting it again")
                restarts[name] = [*recent, time.monotonic()]
                _signal_group(proc, signal.SIGKILL)  # what the dead child left running
                processes[name] = _start(commands[name], env)
            time.sleep(0.5)
    except subprocess.CalledProcessError as exc:
        _say(f"setup failed: {' '.join(map(str, exc.cmd))} exited with {exc.returncode}")
        return 1
    finally:
        _say("stopping")
        _stop(processes)
        if "redis" in started:
            embedded.redis_stop()
        if "postgres" in started:
            embedded.postgres_stop()
        _say("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())

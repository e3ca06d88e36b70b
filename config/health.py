"""Liveness and readiness checks.

Readiness asks three questions: does the database answer, does the broker
answer, and has a worker run the heartbeat task recently. The heartbeat is a
beat-scheduled task, so a stale heartbeat means no worker is consuming (or no
beat is scheduling): either way follow-ups would not go out.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import redis
from django.conf import settings
from django.db import connection

HEARTBEAT_KEY = "switchboard:worker-heartbeat"


def _redis() -> redis.Redis:
    url = settings.CELERY_BROKER_URL
    if url.startswith("redis+socket://"):
        url = "unix://" + url[len("redis+socket://") :]
    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


def record_worker_heartbeat(at: float) -> None:
    _redis().set(HEARTBEAT_KEY, repr(at), ex=settings.WORKER_HEARTBEAT_MAX_AGE * 10)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return Check("database", True, "ok")
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        return Check("database", False, f"unreachable: {exc.__class__.__name__}")


def check_broker() -> Check:
    try:
        _redis().ping()
        return Check("broker", True, "ok")
    except redis.RedisError as exc:
        return Check("broker", False, f"unreachable: {exc.__class__.__name__}")


def check_worker() -> Check:
    try:
        raw = _redis().get(HEARTBEAT_KEY)
    except redis.RedisError:
        return Check("worker", False, "unknown: broker unreachable")
    if raw is None:
        return Check("worker", False, "no heartbeat recorded")
    age = time.time() - float(raw)
    if age > settings.WORKER_HEARTBEAT_MAX_AGE:
        return Check("worker", False, f"last heartbeat {age:.0f}s ago")
    return Check("worker", True, f"last heartbeat {age:.0f}s ago")


def readiness() -> list[Check]:
    return [check_database(), check_broker(), check_worker()]

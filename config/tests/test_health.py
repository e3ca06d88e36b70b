"""Liveness and readiness, with a real worker and beat on the real broker."""

import time

import pytest
from django.urls import reverse

from config import health


def _wait_for_status(client, status, timeout):
    deadline = time.monotonic() + timeout
    response = client.get(reverse("readyz"))
    while response.status_code != status and time.monotonic() < deadline:
        time.sleep(0.5)
        response = client.get(reverse("readyz"))
    return response


def _forget_heartbeat():
    health._redis().delete(health.HEARTBEAT_KEY)


def test_healthz_answers_without_login(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_is_503_naming_the_missing_worker(client):
    _forget_heartbeat()
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    body = response.json()
    assert body["down"] == ["worker"]
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["broker"]["ok"] is True


@pytest.mark.django_db
def test_readyz_is_200_with_a_fresh_heartbeat_and_503_with_a_stale_one(client, settings):
    settings.WORKER_HEARTBEAT_MAX_AGE = 30
    health.record_worker_heartbeat(time.time())
    assert client.get(reverse("readyz")).status_code == 200
    health.record_worker_heartbeat(time.time() - 31)
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert "31s ago" in response.json()["checks"]["worker"]["detail"]


@pytest.mark.django_db
def test_readyz_names_an_unreachable_broker(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert set(response.json()["down"]) == {"broker", "worker"}


@pytest.mark.celery_worker
def test_readyz_follows_a_real_worker_going_away_and_coming_back(client, settings, celery_processes):
    celery_processes.env["WORKER_HEARTBEAT_INTERVAL"] = "1"
    settings.WORKER_HEARTBEAT_MAX_AGE = 4
    _forget_heartbeat()
    celery_processes.start_beat()
    worker = celery_processes.start_worker()
    assert _wait_for_status(client, 200, timeout=45).status_code == 200

    celery_processes.stop(worker, kill=True)
    response = _wait_for_status(client, 503, timeout=20)
    assert response.status_code == 503
    assert response.json()["down"] == ["worker"]

    celery_processes.start_worker("w2")
    assert _wait_for_status(client, 200, timeout=45).status_code == 200

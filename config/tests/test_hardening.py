"""Login throttling, session timeouts, security headers and the audit trail of denied access."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from agents.models import AuditEvent
from crm.tests.factories import customer_with_phone

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


def _login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_locks_after_repeated_failures_even_with_the_right_password(client, world, settings):
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        assert _login(client, world.agent.username, "wrong-password").status_code == 200
    response = _login(client, world.agent.username, "correct-horse-battery")
    assert response.status_code == 200
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    cache.clear()
    assert _login(client, world.agent.username, "correct-horse-battery").status_code == 302


def test_idle_session_expires(client, world, settings):
    settings.SESSION_IDLE_SECONDS = 60
    client.force_login(world.agent)
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session["last_seen"] = int(time.time()) - 120
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_absolute_session_timeout_even_when_active(client, world, settings):
    settings.SESSION_ABSOLUTE_SECONDS = 3600
    client.force_login(world.agent)
    client.get(reverse("home"))
    session = client.session
    session["auth_started"] = int(time.time()) - 7200
    session["last_seen"] = int(time.time())
    session.save()
    assert client.get(reverse("home")).status_code == 302


def test_security_headers_and_csp(client, world):
    client.force_login(world.agent)
    response = client.get(reverse("home"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in response.content.decode()


def test_denied_access_to_another_programs_record_is_audited(client, world):
    other = customer_with_phone(world.program_b)
    client.force_login(world.agent)
    assert client.get(reverse("crm:customer_detail", args=[other.pk])).status_code == 404
    event = AuditEvent.objects.get(action="access.denied")
    assert event.actor == world.agent
    assert event.data["status"] == 404
    assert client.get(reverse("approvals:approval_queue")).status_code == 403
    assert AuditEvent.objects.filter(action="access.denied").count() == 2


def test_admin_filters_audit_events(client, world):
    from agents.services import audit_record

    audit_record(action="token.create", actor=world.admin)
    audit_record(action="export.download", actor=world.admin)
    client.force_login(world.admin)  # itself an auth.login event
    client.force_login(world.agent)
    client.force_login(world.admin)
    logins = AuditEvent.objects.filter(action="auth.login").count()
    response = client.get("/admin/agents/auditevent/", {"action": "auth.login"})
    assert response.status_code == 200
    shown = list(response.context["cl"].result_list)
    assert len(shown) == logins >= 3
    assert {event.action for event in shown} == {"auth.login"}


def test_bandit_finds_nothing_of_high_severity():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [
            sys.executable, "-m", "bandit", "-q", "-r", *settings.PROJECT_APPS,
            "-x", "*/tests/*,*/migrations/*", "--severity-level", "high",
        ],
        cwd=root, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr

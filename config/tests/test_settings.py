"""Settings come from the environment; production mistakes stop the start-up with a clear message."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-value-0123456789",
    "ALLOWED_HOSTS": "switchboard.example.com",
    "DATABASE_URL": "postgres://switchboard@db.internal:5432/switchboard",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.com:587",
}


def _django(env_overrides: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    # A clean process environment: the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this one.
    inherited = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    env = {k: v for k, v in inherited.items() if not k.startswith(("PYTEST", "DJANGO_"))}
    env.update(env_overrides)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("missing", "message"),
    [("SECRET_KEY", "SECRET_KEY is not set"), ("ALLOWED_HOSTS", "ALLOWED_HOSTS is not set")],
)
def test_production_without_required_setting_refuses_to_start(missing, message):
    env = dict(PRODUCTION_ENV)
    del env[missing]
    result = _django(env, "check")
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr.splitlines()[-1]


def test_deploy_check_is_clean_with_production_settings():
    result = _django(PRODUCTION_ENV, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_settings_read_from_environment():
    script = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.ALLOWED_HOSTS, s.DATABASES['default']['HOST'], s.TIME_ZONE, "
        "s.EMAIL_HOST, s.CELERY_BROKER_URL)"
    )
    result = _django({**PRODUCTION_ENV, "TIME_ZONE": "Europe/Paris"}, "shell", "-v", "0", "-c", script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "['switchboard.example.com']",
        "db.internal",
        "Europe/Paris",
        "smtp.example.com",
        "redis://cache.internal:6379/0",
    ]

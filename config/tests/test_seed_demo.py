"""`seed_demo` gives every role a login and can be run again without duplicating anything."""

from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

PROJECT_APPS = settings.PROJECT_APPS


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for app in PROJECT_APPS
        for model in apps.get_app_config(app).get_models()
    }


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_every_demo_login_works(settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", stdout=out)
    first = _row_counts()
    call_command("seed_demo", stdout=StringIO())
    assert _row_counts() == first
    for username in ("agent", "supervisor", "manager", "knowledge_manager", "admin", "agent_b"):
        user = authenticate(username=username, password="switchboard-demo")
        assert user is not None, f"demo login {username} does not work"
        assert username in out.getvalue()
    # The integrator is a service account: API tokens only, no password sign-in (issue 14).
    assert authenticate(username="integrator", password="switchboard-demo") is None


@pytest.mark.django_db
def test_seed_demo_if_empty_leaves_existing_data_alone(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    before = _row_counts()
    out = StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert "already loaded" in out.getvalue()
    assert _row_counts() == before


@pytest.mark.django_db
def test_seed_demo_refuses_production_without_force(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refuses to run with DEBUG off"):
        call_command("seed_demo", stdout=StringIO())

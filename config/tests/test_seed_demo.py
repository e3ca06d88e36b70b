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


@pytest.mark.django_db
def test_generated_tickets_are_shaped_like_a_year_of_a_center(settings):
    from django.db.models import Count

    from tickets.models import Comment, Ticket

    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", "--scale", "30", "--tickets", "400", stdout=out)
    generated = Ticket.objects.filter(tags__contains=["generated"])
    assert generated.count() == 400
    assert "generated tickets" in out.getvalue()  # the progress bar
    assert Comment.objects.filter(ticket__in=generated).count() == 800
    by_status = dict(generated.values_list("status").annotate(n=Count("id")))
    assert by_status == {"open": 60, "pending_customer": 20, "resolved": 120, "closed": 200}
    assert generated.filter(status="open", assignee__isnull=True).count() == 40  # two in three wait in the queue
    assert generated.values("team").distinct().count() == 3
    assert not generated.filter(customer__isnull=True).exists()
    assert not generated.exclude(customer__tags__contains=["generated"]).exists()  # drawn from the generated ones
    from crm.models import Call

    assert Call.objects.filter(customer__tags__contains=["generated"], state="completed").count() == 90
    assert len(set(generated.values_list("number", flat=True))) == 400
    call_command("seed_demo", "--tickets", "100", stdout=StringIO())  # adds, never repeats a number
    assert Ticket.objects.filter(tags__contains=["generated"]).values("number").distinct().count() == 500

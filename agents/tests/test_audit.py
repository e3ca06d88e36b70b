"""Audit events: logins, logouts, failures, role changes; the log cannot be edited."""

import pytest
from django.db import IntegrityError, InternalError, ProgrammingError, connection, transaction
from django.urls import reverse

from agents import services
from agents.models import AuditEvent, Role
from config.errors import NotAllowed

PASSWORD = "correct-horse-battery"


def test_login_and_logout_are_audited_with_address(client, world):
    response = client.post(reverse("login"), {"username": "agent", "password": PASSWORD}, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="auth.login")
    assert event.actor == world.agent
    assert event.ip_address == "10.1.2.3"

    client.post(reverse("logout"), REMOTE_ADDR="10.1.2.3")
    assert AuditEvent.objects.filter(action="auth.logout", actor=world.agent).count() == 1


def test_failed_login_is_audited_without_password(client, world):
    response = client.post(reverse("login"), {"username": "agent", "password": "wrong-password"})
    assert response.status_code == 200
    assert "did not match" in response.content.decode()
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.actor is None
    assert event.data == {"username": "agent"}
    assert "wrong-password" not in str(event.data)


def test_forwarded_for_is_ignored_unless_behind_proxy(client, world, settings):
    client.post(
        reverse("login"),
        {"username": "agent", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert AuditEvent.objects.get(action="auth.login").ip_address == "10.0.0.1"
    settings.BEHIND_PROXY = True
    client.logout()
    client.post(
        reverse("login"),
        {"username": "agent", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.9",
    )
    assert AuditEvent.objects.filter(action="auth.login").first().ip_address == "203.0.113.9"


def test_role_change_is_audited_and_grants_admin_site(world):
    services.user_change_role(user=world.agent, role=Role.ADMIN, actor=world.admin)
    world.agent.refresh_from_db()
    assert world.agent.role == Role.ADMIN
    assert world.agent.is_staff
    event = AuditEvent.objects.get(action="user.role_changed")
    assert event.actor == world.admin
    assert event.object_id == str(world.agent.pk)
    assert event.data == {"from": Role.AGENT, "to": Role.ADMIN}


def test_unchanged_role_writes_nothing(world):
    services.user_change_role(user=world.agent, role=Role.AGENT, actor=world.admin)
    assert not AuditEvent.objects.filter(action="user.role_changed").exists()


def test_role_change_refused_for_non_admin_and_unknown_role(world):
    with pytest.raises(NotAllowed):
        services.user_change_role(user=world.agent, role=Role.ADMIN, actor=world.supervisor)
    with pytest.raises(NotAllowed):
        services.user_change_role(user=world.agent, role="emperor", actor=world.admin)
    world.agent.refresh_from_db()
    assert world.agent.role == Role.AGENT


def test_role_change_through_admin_site_is_audited(client, world):
    client.force_login(world.admin)
    url = reverse("admin:agents_user_change", args=[world.agent.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        {
            "role": Role.SUPERVISOR,
            "languages": "",
            "programs": [],
            "groups": [],
            "user_permissions": [],
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    world.agent.refresh_from_db()
    assert world.agent.role == Role.SUPERVISOR
    assert AuditEvent.objects.filter(action="user.role_changed", actor=world.admin).count() == 1


def test_audit_events_cannot_be_updated_or_deleted(world):
    event = services.audit_record(action="test.event", actor=world.agent)
    with pytest.raises((InternalError, ProgrammingError, IntegrityError)), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises((InternalError, ProgrammingError, IntegrityError)), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.event"


def test_retention_may_delete_audit_events_when_it_says_so(world):
    event = services.audit_record(action="test.event", actor=world.agent)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('switchboard.retention', 'on', true)")
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert not AuditEvent.objects.filter(pk=event.pk).exists()

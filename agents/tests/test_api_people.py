"""Teams, people, categories, organizations, the audit log and notifications over the API: each scoped to
the caller (programs; admins for the audit log; one's own notifications)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from agents.models import AuditEvent, Notification
from agents.services import audit_record, notification_send
from crm.models import Organization
from tickets.models import Category

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return sorted(row["id"] for row in response.json()["results"])


def test_reference_data_is_scoped_to_the_callers_programs(world):
    world.team_a.languages, world.team_a.skills = ["en", "es"], ["billing"]
    world.team_a.save()
    org_a = Organization.objects.create(program=world.program_a, name="Acme Bakery")
    Organization.objects.create(program=world.program_b, name="Northwind Ltd")
    category_a = Category.objects.create(program=world.program_a, name="Refunds", team=world.team_a, skills=["billing"])
    Category.objects.create(program=world.program_b, name="Outage")
    api = _api(world.integrator)
    teams = api.get("/api/v1/teams/").json()["results"]
    assert [(t["id"], t["languages"], t["skills"], t["programs"]) for t in teams] == [
        (world.team_a.pk, ["en", "es"], ["billing"], [world.program_a.pk])
    ]
    people = {row["username"]: row for row in api.get("/api/v1/users/").json()["results"]}
    assert world.agent.username in people
    assert world.agent_b.username not in people  # another program's agent
    assert people[world.agent.username]["teams"] == [world.team_a.pk]
    assert "email" not in people[world.agent.username]
    assert _ids(api.get("/api/v1/organizations/")) == [org_a.pk]
    assert api.get("/api/v1/categories/").json()["results"] == [
        {"id": category_a.pk, "program": world.program_a.pk, "name": "Refunds", "team": world.team_a.pk,
         "skills": ["billing"]}
    ]  # fmt: skip
    assert api.get(f"/api/v1/users/{world.agent_b.pk}/").status_code == 404


def test_the_audit_log_is_for_admins_and_a_siem_follows_its_cursor(world):
    for n in range(5):
        audit_record(action=f"test.step{n}", actor=world.admin, program=world.program_a)
    assert _api(world.agent).get("/api/v1/audit-events/").json()["results"] == []
    admin = _api(world.admin)
    page = admin.get("/api/v1/audit-events/", {"page_size": 3}).json()
    seen = []
    while page["results"]:
        seen += [row["action"] for row in page["results"]]
        link = page["next"]
        page = admin.get(link).json()
    assert seen == list(AuditEvent.objects.order_by("at", "id").values_list("action", flat=True))  # each once
    assert [a for a in seen if a.startswith("test.")] == [f"test.step{n}" for n in range(5)]  # oldest first
    assert page["next"] == link  # an empty page keeps the reader's place
    # Later, the SIEM asks its last link again and gets only what happened since.
    audit_record(action="test.later", actor=world.admin)
    assert [row["action"] for row in admin.get(link).json()["results"]] == ["test.later"]


def test_notifications_are_ones_own_and_can_be_marked_read(world):
    mine, _ = notification_send(recipient=world.agent, kind="test", title="Call back due")
    notification_send(recipient=world.agent_b, kind="test", title="Not yours")
    api = _api(world.agent)
    listed = api.get("/api/v1/notifications/", {"read_at__isnull": "true"}).json()["results"]
    assert [row["title"] for row in listed] == ["Call back due"]
    assert api.post(f"/api/v1/notifications/{mine.pk}/read/").json()["read_at"] is not None
    other = Notification.objects.get(recipient=world.agent_b)
    assert api.post(f"/api/v1/notifications/{other.pk}/read/").status_code == 404
    notification_send(recipient=world.agent, kind="test", title="Another")
    assert api.post("/api/v1/notifications/read-all/").json() == {"marked": 1}
    assert not Notification.objects.filter(recipient=world.agent, read_at__isnull=True).exists()

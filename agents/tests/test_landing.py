"""Each role lands, after signing in through the form, on the page it works from."""

from __future__ import annotations

import pytest
from django.urls import reverse

from e2e.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

LANDS_ON = {
    "agent": ("/", "Workspace"),
    "supervisor": ("/tickets/", "Acme front queue"),
    "manager": ("/dashboard/", "Dashboard"),
    "knowledge_manager": ("/kb/", "Knowledge base"),
    "qa_reviewer": ("/qa/", "Quality"),
    "admin": ("/", "Workspace"),
}


@pytest.mark.parametrize("username", list(LANDS_ON))
def test_each_role_lands_where_it_works(client, world, username):
    response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD}, follow=True)
    path, heading = LANDS_ON[username]
    assert response.request["PATH_INFO"] == path
    assert response.status_code == 200
    assert heading in response.content.decode()


def test_a_supervisor_lands_on_the_team_it_supervises_not_the_first_by_name(client, world):
    from agents.models import Membership
    from agents.tests.factories import TeamFactory

    billing = TeamFactory(name="Acme billing", programs=[world.program_a])  # sorts before "Acme front"
    Membership.objects.create(team=billing, user=world.supervisor)
    client.force_login(world.supervisor)
    page = client.get(reverse("tickets:ticket_list")).content.decode()
    assert "Acme front queue" in page.split("</h1>")[0]


def test_a_supervisor_still_reaches_its_own_tickets_and_pages_through_them(client, world):
    client.force_login(world.supervisor)
    page = client.get(reverse("tickets:ticket_list"), {"mine": ""}).content.decode()
    assert "My tickets" in page.split("</h1>")[0]
    assert 'href="/tickets/?mine"' in page

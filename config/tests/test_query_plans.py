"""Each ticket list is served by an index in its own order: no sequential scan of tickets, no sort of
every matching row. Checked with EXPLAIN on a generated data set (small tables would fool the planner
into scans, so the test seeds enough rows and analyses them)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from agents.models import Team, User
from tickets.selectors import ticket_list, ticket_mine, ticket_queue

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_tickets(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--tickets", "30000", stdout=StringIO())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tickets_ticket")


def _plan(queryset) -> str:
    return queryset.explain()


def _assert_served_by_index(plan: str, index: str) -> None:
    assert "Seq Scan on tickets_ticket" not in plan, plan
    assert index in plan, plan
    assert "Sort" not in plan.split(index)[0], f"the rows are sorted before the index is read:\n{plan}"


def test_the_team_queue_reads_its_index_in_order(many_tickets):
    supervisor = User.objects.get(username="supervisor")
    team = Team.objects.get(slug="acme-front")
    _assert_served_by_index(_plan(ticket_queue(actor=supervisor, team=team)[:25]), "tickets_team_open_order")


def test_my_tickets_read_their_index_in_order(many_tickets):
    agent = User.objects.get(username="agent")
    _assert_served_by_index(_plan(ticket_mine(actor=agent)[:25]), "tickets_mine_order")


def test_the_api_list_reads_newest_first_from_its_index(many_tickets):
    integrator = User.objects.get(username="integrator")
    newest = ticket_list(actor=integrator).order_by("-created_at", "-id")[:25]
    _assert_served_by_index(_plan(newest), "tickets_newest")

"""Every list and search a user or integrator runs at scale reads an index: no sequential scan of
tickets, customers or calls, no sort of every matching row before the first page.

The plans are those of the statements the pages and the API really send, explained just before each
runs, in its own transaction and with its own settings (a trigram search switches settings for its
block). Small tables would fool the planner into scans, so the data set is generated and analysed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from rest_framework.test import APIClient

from agents.models import Team, User
from integrations.services.tokens import token_create
from tickets.models import Ticket
from tickets.selectors import ticket_list, ticket_mine, ticket_queue

pytestmark = pytest.mark.django_db

BIG_TABLES = ("tickets_ticket", "crm_customer", "crm_call")


@pytest.fixture
def at_scale(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--scale", "20000", "--tickets", "30000", stdout=StringIO())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


@contextmanager
def explained() -> Iterator[list[tuple[str, str]]]:
    """(statement, plan) of every SELECT run inside the block."""
    plans: list[tuple[str, str]] = []

    def explain_first(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict) -> Any:
        if sql.lstrip("( ").upper().startswith(("SELECT", "WITH")) and any(t in sql for t in BIG_TABLES):
            raw = context["cursor"].cursor
            raw.execute(f"EXPLAIN {sql}", params)
            plans.append((sql, "\n".join(row[0] for row in raw.fetchall())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(explain_first):
        yield plans


def _scans(plans: list[tuple[str, str]]) -> list[str]:
    return [
        f"{sql[:300]}\n{plan}" for sql, plan in plans if any(f"Seq Scan on {table}" in plan for table in BIG_TABLES)
    ]


def _assert_read_in_order(queryset: Any, index: str) -> None:
    """The list's page comes from ``index`` in the list's own order: no sort of every matching row."""
    plan = queryset.explain()
    assert index in plan, plan
    assert "Sort" not in plan.split(index)[0], f"the rows are sorted before the index is read:\n{plan}"


def test_every_list_and_search_reads_an_index(at_scale, client):
    supervisor = User.objects.get(username="supervisor")
    agent = User.objects.get(username="agent")
    team = Team.objects.get(slug="acme-front")
    ticket = Ticket.objects.filter(tags__contains=["generated"]).order_by("pk")[500]
    _, token = token_create(user=User.objects.get(username="integrator"), name="plans")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    with explained() as plans:
        client.force_login(supervisor)
        assert client.get("/tickets/", {"team": team.pk}).status_code == 200
        client.force_login(agent)
        assert client.get("/tickets/").status_code == 200
        for query in ["Maria Garcia", "Mria Okfor", "4321", "customer123@example.net", ticket.number, "Acme"]:
            assert client.get("/customers/", {"q": query}).status_code in {200, 302}  # one match: its page
        for query in ["broken oven", "refund", "refnd", "warehouse -order"]:
            assert client.get("/tickets/search/", {"q": query}).status_code == 200
        for url, params in [
            ("/api/v1/tickets/", {}),
            ("/api/v1/tickets/", {"ordering": "updated_at"}),
            ("/api/v1/tickets/", {"status": "open", "team": team.pk}),
            ("/api/v1/customers/", {}),
            ("/api/v1/customers/", {"ordering": "name"}),
            ("/api/v1/customers/", {"ordering": "-updated_at"}),
            ("/api/v1/calls/", {}),
        ]:
            first = api.get(url, params)
            assert first.status_code == 200, first.json()
            for _ in range(2):  # later pages, by cursor
                first = api.get(first.json()["next"])
                assert first.status_code == 200
    assert len(plans) > 30
    problems = _scans(plans)
    assert not problems, "\n\n".join(problems)
    # The digits typed are looked up in the reversed-number index alone: a statement that also ranked the
    # customers by name let PostgreSQL walk every customer by name, probing each one's phones (2.2 s at 1M).
    phone_steps = [plan for sql, plan in plans if "REVERSE(" in sql]
    assert phone_steps, "the search for 4321 did not look at phone numbers"
    for plan in phone_steps:
        assert "crm_phone_reversed" in plan, plan
        assert " on crm_customer " not in plan, plan

    _assert_read_in_order(ticket_queue(actor=supervisor, team=team)[:25], "tickets_team_open_order")
    _assert_read_in_order(ticket_mine(actor=agent)[:25], "tickets_mine_order")
    integrator_tickets = ticket_list(actor=User.objects.get(username="integrator"))
    _assert_read_in_order(integrator_tickets.order_by("-created_at", "-id")[:25], "tickets_newest")
    _assert_read_in_order(integrator_tickets.order_by("updated_at", "id")[:25], "tickets_updated")

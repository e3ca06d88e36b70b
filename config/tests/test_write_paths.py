"""The integrators' busiest writes, opening a ticket and logging a call, send a fixed, small number of
statements whatever the data (issue 16 allows 8, transaction control not counted: the token query brings
the caller's programs, the ticket number is the column's default, and a program's settings are read once per
process and version, ``agents.settings_cache``), and answer with what was written without reading it back."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from agents.models import AgentState, Role
from agents.services.states import agent_state_set
from agents.tests.factories import make_user
from crm.models import Call
from crm.tests.factories import customer_with_phone
from integrations.services.tokens import token_create
from tickets.models import Ticket

pytestmark = pytest.mark.django_db
# A ticket's routing reads the agent states once (issue 21: the agent available now gets it); its first two
# timeline entries (opened, and assigned) go in one statement.
STATEMENTS = 5
# A call reads no agent state, and writes one row and the customer's last activity.
CALL_STATEMENTS = 5
# The first of a program in a process also reads the program's settings: its version, then the SLA policy
# (a ticket) or the survey policy (a call, issue 18), and which events webhooks listen to. The next do not.
FIRST_TIME = 3
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


def _statements(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if not q["sql"].lstrip().upper().startswith(TRANSACTION_CONTROL)]


@pytest.fixture
def api(world):
    _, raw = token_create(user=world.integrator, name="CTI")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    client.get("/api/v1/wrap-up-codes/")  # the first request of a process loads the URLconf and caches
    return client


def test_opening_a_ticket_sends_five_statements_once_its_program_settings_are_read(api, world):
    # An agent is available, so routing assigns the ticket: its timeline opens with two entries.
    speaker = make_user(Role.AGENT, team=world.team_a, username="speaker", languages=["en"])
    agent_state_set(actor=speaker, agent=speaker, state=AgentState.AVAILABLE)
    customer = customer_with_phone(world.program_a, "+14155550100", preferred_language="en")
    for subject, most in (("Oven door broken", STATEMENTS + FIRST_TIME), ("Oven door broken again", STATEMENTS)):
        with CaptureQueriesContext(connection) as queries:
            response = api.post("/api/v1/tickets/", {"subject": subject, "customer": customer.pk}, format="json")
        assert response.status_code == 201, response.json()
        statements = _statements(queries)
        assert len(statements) <= most, "\n".join(statements)
        ticket = Ticket.objects.get(pk=response.json()["id"])
        body = response.json()
        assert (body["number"], body["team"], body["assignee"], body["customer"], body["program"]) == (
            ticket.number, ticket.team_id, speaker.pk, customer.pk, world.program_a.pk,
        )  # fmt: skip
        timeline = list(ticket.events.order_by("pk").values_list("kind", "new_value", "note"))
        assert timeline == [("created", ticket.number, ""), ("assignee", "speaker", "available, speaks en")]


@pytest.mark.django_db(transaction=True)  # as in a request: the service's transaction is the outermost one
def test_logging_a_call_sends_five_statements_once_its_program_settings_are_read(api, world):
    customer = customer_with_phone(world.program_a, "+14155550100")
    for external_id, most in (("pbx-1", CALL_STATEMENTS + FIRST_TIME), ("pbx-2", CALL_STATEMENTS)):
        payload = {
            "external_id": external_id,
            "direction": "inbound",
            "phone_number": "+14155550100",
            "customer": customer.pk,
            "started_at": "2026-11-26T10:00:00Z",
            "ended_at": "2026-11-26T10:04:00Z",
        }
        with CaptureQueriesContext(connection) as queries:
            response = api.post("/api/v1/calls/", payload, format="json")
        assert response.status_code == 201, response.json()
        statements = _statements(queries)
        assert len(statements) <= most, "\n".join(statements)
        # One transaction: no savepoint round trips around the insert.
        assert not [q["sql"] for q in queries.captured_queries if "SAVEPOINT" in q["sql"].upper()]
        call = Call.objects.get(pk=response.json()["id"])
        assert (response.json()["program"], response.json()["customer"], call.external_id) == (
            world.program_a.pk, customer.pk, external_id,
        )  # fmt: skip

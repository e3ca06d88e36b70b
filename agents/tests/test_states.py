"""Agent states: every change kept as a span, break reasons per program, telephony and logout, idle agents."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from agents.models import AgentState, AgentStateSpan, BreakReason
from agents.selectors import team_agent_states
from agents.services import StateRefused, agent_state_set, agent_states_sweep_idle

pytestmark = pytest.mark.django_db


def test_every_change_closes_one_span_and_opens_the_next(world):
    t0 = timezone.now() - timedelta(hours=1)
    agent_state_set(actor=world.agent, agent=world.agent, state="available", at=t0)
    agent_state_set(actor=world.agent, agent=world.agent, state="available", at=t0 + timedelta(minutes=5))  # no-op
    agent_state_set(actor=world.agent, agent=world.agent, state="break", at=t0 + timedelta(minutes=30))
    spans = list(AgentStateSpan.objects.filter(user=world.agent).order_by("started_at"))
    assert [(s.state, s.started_at, s.ended_at) for s in spans] == [
        ("available", t0, t0 + timedelta(minutes=30)),
        ("break", t0 + timedelta(minutes=30), None),
    ]


def test_the_database_allows_one_open_span_per_agent(world):
    agent_state_set(actor=world.agent, agent=world.agent, state="available")
    with pytest.raises(IntegrityError), transaction.atomic():
        AgentStateSpan.objects.create(user=world.agent, state="break", started_at=timezone.now())


def test_break_reasons_are_the_programs_own(world):
    BreakReason.objects.create(program=world.program_a, code="lunch", label="Lunch")
    BreakReason.objects.create(program=world.program_b, code="gym", label="Gym")
    with pytest.raises(StateRefused, match="lunch") as missing:
        agent_state_set(actor=world.agent, agent=world.agent, state="break")
    assert missing.value.field == "reason"
    with pytest.raises(StateRefused, match="not a break reason"):
        agent_state_set(actor=world.agent, agent=world.agent, state="break", reason="gym")
    with pytest.raises(StateRefused, match="Only a break"):
        agent_state_set(actor=world.agent, agent=world.agent, state="available", reason="lunch")
    span = agent_state_set(actor=world.agent, agent=world.agent, state="break", reason="lunch")
    assert span.reason.label == "Lunch"


def test_who_may_set_a_state(world):
    from config.errors import NotAllowed

    agent_state_set(actor=world.supervisor, agent=world.agent, state="offline")  # its team
    agent_state_set(actor=world.integrator, agent=world.agent, state="available")  # telephony of its program
    for outsider in (world.agent_b, world.knowledge_manager):
        with pytest.raises(NotAllowed):
            agent_state_set(actor=outsider, agent=world.agent, state="break")


def test_the_api_reads_and_sets_a_state_and_hides_other_programs(world):
    api = APIClient()
    api.force_authenticate(world.integrator)
    url = "/api/v1/agents/agent/state/"
    assert api.get(url).json()["state"] == "offline"
    put = api.put(url, {"state": "available", "at": "2026-03-02T09:00:00Z"}, format="json")
    assert put.status_code == 200, put.json()
    assert put.json()["state"] == "available"
    assert put.json()["since"] == "2026-03-02T09:00:00Z"
    bad = api.put(url, {"state": "asleep"}, format="json")
    assert bad.status_code == 400
    assert "state" in bad.json()["details"]
    assert api.get("/api/v1/agents/agent_b/state/").status_code == 404  # another program's agent
    assert api.get("/api/v1/agents/nobody/state/").status_code == 404


def test_logging_out_ends_offline(client, world):
    client.force_login(world.agent)
    agent_state_set(actor=world.agent, agent=world.agent, state="available")
    client.post(reverse("logout"))
    assert AgentStateSpan.objects.get(user=world.agent, ended_at__isnull=True).state == AgentState.OFFLINE


def test_agents_whose_tabs_went_quiet_go_offline(world, settings):
    settings.AGENT_IDLE_MINUTES = 15
    agent_state_set(actor=world.agent, agent=world.agent, state="available")
    agent_state_set(actor=world.supervisor, agent=world.supervisor, state="available")
    AgentStateSpan.objects.filter(user=world.agent).update(last_seen_at=timezone.now() - timedelta(minutes=16))
    assert agent_states_sweep_idle() == 1
    assert AgentStateSpan.objects.get(user=world.agent, ended_at__isnull=True).state == "offline"
    assert AgentStateSpan.objects.get(user=world.supervisor, ended_at__isnull=True).state == "available"


def test_the_header_menu_changes_the_state(client, world):
    client.force_login(world.agent)
    page = client.get("/").content.decode()
    assert 'id="agent-state-select"' in page
    response = client.post(reverse("agents:agent_state_change"), {"state": "available", "next": "/customers/"})
    assert response.status_code == 302
    assert AgentStateSpan.objects.get(user=world.agent, ended_at__isnull=True).state == "available"


def test_a_supervisor_sees_its_team_and_states(world):
    agent_state_set(actor=world.agent, agent=world.agent, state="available")
    rows = team_agent_states(actor=world.supervisor)
    assert [(r["username"], r["state"]) for r in rows] == [("agent", "available")]
    assert team_agent_states(actor=world.agent) == []
    assert [r["username"] for r in team_agent_states(actor=world.admin)] == ["agent", "agent_b"]

"""Fixtures shared by every app's tests: two programs and a user of each role in the first."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from agents.models import Program, Role, Team, User
from agents.tests.factories import ProgramFactory, TeamFactory, make_user


@dataclass
class World:
    """Program A with a team and one user per role; program B with its own agent."""

    program_a: Program
    program_b: Program
    team_a: Team
    team_b: Team
    agent: User
    supervisor: User
    manager: User
    knowledge_manager: User
    admin: User
    integrator: User
    agent_b: User


@pytest.fixture
def world(db: None) -> World:
    program_a = ProgramFactory(name="Acme", slug="acme", default_region="US")
    program_b = ProgramFactory(name="Northwind", slug="northwind", default_region="GB", time_zone="Europe/London")
    team_a = TeamFactory(name="Acme front", slug="acme-front", programs=[program_a])
    team_b = TeamFactory(name="Northwind front", slug="northwind-front", programs=[program_b])
    agent = make_user(Role.AGENT, team=team_a, username="agent")
    supervisor = make_user(Role.SUPERVISOR, team=team_a, supervisor=True, username="supervisor")
    manager = make_user(Role.MANAGER, team=team_a, username="manager")
    knowledge_manager = make_user(Role.KNOWLEDGE_MANAGER, username="knowledge_manager")
    knowledge_manager.programs.add(program_a)
    admin = make_user(Role.ADMIN, username="admin")
    integrator = make_user(Role.INTEGRATOR, username="integrator")
    integrator.programs.add(program_a)
    agent_b = make_user(Role.AGENT, team=team_b, username="agent_b")
    return World(
        program_a, program_b, team_a, team_b, agent, supervisor, manager, knowledge_manager, admin, integrator, agent_b
    )

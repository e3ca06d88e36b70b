"""Role by role: what each predicate allows."""

import pytest

from agents import permissions
from agents.models import Role
from agents.tests.factories import TeamFactory, make_user

ROLE_TABLE = {
    # role: (workspace, decide approvals, edit knowledge, admin site, view audit)
    Role.AGENT: (True, False, False, False, False),
    Role.SUPERVISOR: (True, True, False, False, False),
    Role.MANAGER: (True, True, False, False, False),
    Role.KNOWLEDGE_MANAGER: (False, False, True, False, False),
    Role.ADMIN: (True, True, True, True, True),
    Role.INTEGRATOR: (False, False, False, False, False),
}


@pytest.mark.parametrize(("role", "expected"), ROLE_TABLE.items())
def test_role_predicates(db, role, expected):
    user = make_user(role)
    got = (
        permissions.can_use_workspace(user),
        permissions.can_decide_approvals(user),
        permissions.can_edit_knowledge(user),
        permissions.can_access_admin_site(user),
        permissions.can_view_audit_log(user),
    )
    assert got == expected


def test_inactive_user_is_allowed_nothing(world):
    world.admin.is_active = False
    assert not permissions.can_use_workspace(world.admin)
    assert not permissions.can_access_admin_site(world.admin)
    assert permissions.served_program_ids(world.admin) == frozenset()


def test_user_serves_the_programs_of_its_teams(world):
    assert permissions.served_program_ids(world.agent) == {world.program_a.pk}
    assert permissions.served_program_ids(world.agent_b) == {world.program_b.pk}
    assert not permissions.can_serve_program(world.agent, world.program_b.pk)


def test_direct_programs_count_for_integrators(world):
    assert permissions.served_program_ids(world.integrator) == {world.program_a.pk}


def test_admin_serves_every_program(world):
    assert {world.program_a.pk, world.program_b.pk} <= permissions.served_program_ids(world.admin)


def test_joining_a_team_extends_programs_after_cache_reset(world):
    team = TeamFactory(programs=[world.program_b])
    assert world.program_b.pk not in permissions.served_program_ids(world.agent)
    team.members.add(world.agent)
    permissions.forget_served_programs(world.agent)
    assert world.program_b.pk in permissions.served_program_ids(world.agent)


def test_inactive_team_grants_nothing(world):
    world.team_b.is_active = False
    world.team_b.save()
    assert permissions.served_program_ids(world.agent_b) == frozenset()


def test_admin_cannot_change_own_role(world):
    assert permissions.can_change_role(world.admin, world.agent)
    assert not permissions.can_change_role(world.admin, world.admin)
    assert not permissions.can_change_role(world.supervisor, world.agent)


def test_supervise_team(world):
    assert permissions.can_supervise_team(world.supervisor, world.team_a)
    assert not permissions.can_supervise_team(world.supervisor, world.team_b)
    assert permissions.can_supervise_team(world.manager, world.team_a)
    assert not permissions.can_supervise_team(world.manager, world.team_b)
    assert not permissions.can_supervise_team(world.agent, world.team_a)
    assert permissions.can_supervise_team(world.admin, world.team_b)

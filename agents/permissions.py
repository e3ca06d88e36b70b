"""Every "may this user ...?" question, as a predicate.

Views, API permission classes, services, Celery tasks and the admin all ask
these, so one answer holds on every path. Row visibility (which customers,
tickets, ... a user sees) lives in each app's selectors, built on
``served_program_ids``.
"""

from __future__ import annotations

from typing import Any, TypeGuard

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import BooleanField, Func, Value

from agents.models import Role, Team, User

# Who asks: a signed-in user, or an anonymous one (every predicate answers False for it).
Actor = User | AnonymousUser

_CACHE_ATTR = "_served_programs"

FRONT_LINE = frozenset({Role.AGENT, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
DECIDERS = frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})


def is_active_user(user: Actor | None) -> TypeGuard[User]:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def role_of(user: Actor | None) -> str:
    """The role of an active signed-in user; "" for anyone else (no predicate grants anything to "")."""
    return user.role if is_active_user(user) else ""


def id_of(user: Actor | None) -> int | None:
    return user.pk if is_active_user(user) else None


def is_admin(user: Actor | None) -> TypeGuard[User]:
    return is_active_user(user) and (user.role == Role.ADMIN or user.is_superuser)


# Asked on nearly every request. "Serves" has one definition, the SQL function agents_user_serves
# (migration agents 0007), which the database's program triggers and the decider rule use too.
def served_programs_sql(user: str) -> str:
    """A scalar subquery: the programs the user given by the SQL expression ``user`` serves, as a JSON list of
    ``[id, default_region]`` in id order. A query that loads a user can carry it (the API token's does)."""
    # ``user`` is a column or placeholder written in the code, never input.
    return f"""(
        SELECT coalesce(json_agg(json_build_array(p.id, p.default_region) ORDER BY p.id), '[]')
        FROM agents_program p WHERE agents_user_serves({user}, p.id)
    )"""  # noqa: S608


def serves(user: Any, program: Any) -> Func:
    """``agents_user_serves`` as a query expression, for a filter: ``user`` and ``program`` are expressions
    (``F("owner_id")``) or ids."""
    as_expression = [value if hasattr(value, "resolve_expression") else Value(value) for value in (user, program)]
    return Func(*as_expression, function="agents_user_serves", output_field=BooleanField())


def served_programs(user: Actor | None) -> dict[int, str]:
    """Programs whose records the user may read (its teams' programs plus direct ones), with each
    program's default phone region.

    Computed once per user object (one query, unless the query that loaded the user brought it along) and
    cached on it; admins serve all.
    """
    if not is_active_user(user):
        return {}
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + served_programs_sql("%(user)s"), {"user": user.pk})
        return remember_served_programs(user, cursor.fetchone()[0])


def remember_served_programs(user: User, rows: list[list[Any]]) -> dict[int, str]:
    """Cache what ``served_programs_sql`` answered for ``user`` (loaded with it, or asked for alone)."""
    programs = {int(pk): str(region) for pk, region in rows}
    setattr(user, _CACHE_ATTR, programs)
    return programs


def served_program_ids(user: Actor | None) -> frozenset[int]:
    return frozenset(served_programs(user))


def home_region(user: Actor | None) -> str:
    """The phone region national numbers are read in when no program is given: the user's first program's."""
    return next(iter(served_programs(user).values()), "") or "US"


def forget_served_programs(user: Actor | None) -> None:
    """Drop the cached program set after the user's teams or programs change."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def can_serve_program(user: Actor | None, program_id: int | None) -> TypeGuard[User]:
    return program_id is not None and program_id in served_program_ids(user)


def can_use_workspace(user: Actor | None) -> TypeGuard[User]:
    """The agent screens: find callers, log calls, work tickets."""
    return is_active_user(user) and user.role in FRONT_LINE


def role_signs_in_with_password(role: str) -> bool:
    """People sign in to the web UI; integrators are service accounts with API tokens only."""
    return role != Role.INTEGRATOR


def can_sign_in_with_password(user: Actor | None) -> bool:
    return is_active_user(user) and role_signs_in_with_password(user.role)


def can_use_api(user: Actor | None) -> TypeGuard[User]:
    return is_active_user(user)


def can_read_knowledge(user: Actor | None) -> TypeGuard[User]:
    return is_active_user(user)


def can_edit_knowledge(user: Actor | None) -> TypeGuard[User]:
    return is_active_user(user) and user.role in {Role.KNOWLEDGE_MANAGER, Role.ADMIN}


def can_review_calls(user: Actor | None) -> TypeGuard[User]:
    """QA reviewers score calls and run calibration; admins may too."""
    return is_active_user(user) and user.role in {Role.QA_REVIEWER, Role.ADMIN}


def can_use_quality_pages(user: Actor | None) -> TypeGuard[User]:
    """The QA pages: reviewers, the agents reviewed (their own), their supervisors and managers, and the
    knowledge managers who keep the scorecards."""
    return is_active_user(user) and user.role in {Role.QA_REVIEWER, Role.KNOWLEDGE_MANAGER, *FRONT_LINE}


def can_decide_approvals(user: Actor | None) -> TypeGuard[User]:
    return is_active_user(user) and user.role in DECIDERS


def can_view_approval_queue(user: Actor | None) -> bool:
    return can_decide_approvals(user)


def can_access_admin_site(user: Actor | None) -> bool:
    return is_admin(user) and user.is_staff


def can_manage_people(user: Actor | None) -> bool:
    """Users, teams, programs, limits, policies, tokens."""
    return is_admin(user)


def can_view_audit_log(user: Actor | None) -> bool:
    return is_admin(user)


def has_admin_site_access(*, role: str, is_superuser: bool) -> bool:
    """Who gets ``is_staff``: admins and superusers, whatever path changes the role."""
    return role == Role.ADMIN or is_superuser


def can_change_role(actor: Actor | None, target: User) -> bool:
    # An admin may not change its own role: another admin must (no silent self-demotion or lock-out).
    return is_admin(actor) and actor.pk != target.pk


def can_supervise_team(user: Actor | None, team: Team) -> bool:
    """Reassign its tickets, see its numbers: its supervisors, managers of its programs, admins."""
    if not is_active_user(user):
        return False
    if is_admin(user):
        return True
    if user.role == Role.MANAGER:
        return bool(served_program_ids(user) & {p.pk for p in team.programs.all()})
    if user.role == Role.SUPERVISOR:
        return team.memberships.filter(user=user, is_supervisor=True).exists()
    return False


def can_set_agent_state(actor: Actor | None, agent: User) -> bool:
    """The agent itself; telephony or a supervisor, manager or admin serving one of the agent's programs.

    Reading an agent's state is the same question: who may not set it has no business watching it.
    """
    if not is_active_user(actor) or not agent.is_active:
        return False
    if actor.pk == agent.pk:
        return actor.role in FRONT_LINE
    if is_admin(actor):
        return True
    if actor.role in {Role.INTEGRATOR, Role.MANAGER}:
        return bool(served_program_ids(actor) & served_program_ids(agent))
    if actor.role == Role.SUPERVISOR:
        # Two filter() calls, two joins: the supervisor's membership and the agent's, in the same team.
        return (
            Team.objects.filter(memberships__user=actor, memberships__is_supervisor=True)
            .filter(memberships__user=agent)
            .exists()
        )
    return False


def can_watch_floor(user: Actor | None) -> bool:
    """Who sees the floor (agents and their states): supervisors (their teams), managers, admins."""
    return role_of(user) in {Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}

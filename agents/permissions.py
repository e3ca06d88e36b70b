"""Every "may this user ...?" question, as a predicate.

Views, API permission classes, services, Celery tasks and the admin all ask
these, so one answer holds on every path. Row visibility (which customers,
tickets, ... a user sees) lives in each app's selectors, built on
``served_program_ids``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agents.models import Role

if TYPE_CHECKING:
    from agents.models import Team, User

_CACHE_ATTR = "_served_programs"

FRONT_LINE = frozenset({Role.AGENT, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
DECIDERS = frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})


def _active(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def is_admin(user: Any) -> bool:
    return _active(user) and (user.role == Role.ADMIN or user.is_superuser)


# Asked on nearly every request: written out, it costs a third of what the equivalent ORM union did.
_SERVED_PROGRAMS = """
    SELECT p.id, p.default_region FROM agents_program p
    WHERE p.id IN (
        SELECT tp.program_id FROM agents_team_programs tp
        JOIN agents_team t ON t.id = tp.team_id AND t.is_active
        JOIN agents_membership m ON m.team_id = t.id
        WHERE m.user_id = %(user)s
        UNION
        SELECT up.program_id FROM agents_user_programs up WHERE up.user_id = %(user)s
    )
    ORDER BY p.id
"""
_ALL_PROGRAMS = "SELECT id, default_region FROM agents_program ORDER BY id"


def served_programs(user: Any) -> dict[int, str]:
    """Programs whose records the user may read (its teams' programs plus direct ones), with each
    program's default phone region.

    Computed once per user object (one query) and cached on it; admins serve all.
    """
    if not _active(user):
        return {}
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(_ALL_PROGRAMS if is_admin(user) else _SERVED_PROGRAMS, {"user": user.pk})
        programs = dict(cursor.fetchall())
    setattr(user, _CACHE_ATTR, programs)
    return programs


def served_program_ids(user: Any) -> frozenset[int]:
    return frozenset(served_programs(user))


def home_region(user: Any) -> str:
    """The phone region national numbers are read in when no program is given: the user's first program's."""
    return next(iter(served_programs(user).values()), "") or "US"


def forget_served_programs(user: Any) -> None:
    """Drop the cached program set after the user's teams or programs change."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def can_serve_program(user: Any, program_id: int | None) -> bool:
    return program_id is not None and program_id in served_program_ids(user)


def can_use_workspace(user: Any) -> bool:
    """The agent screens: find callers, log calls, work tickets."""
    return _active(user) and user.role in FRONT_LINE


def can_use_api(user: Any) -> bool:
    return _active(user)


def can_read_knowledge(user: Any) -> bool:
    return _active(user)


def can_edit_knowledge(user: Any) -> bool:
    return _active(user) and user.role in {Role.KNOWLEDGE_MANAGER, Role.ADMIN}


def can_decide_approvals(user: Any) -> bool:
    return _active(user) and user.role in DECIDERS


def can_view_approval_queue(user: Any) -> bool:
    return can_decide_approvals(user)


def can_access_admin_site(user: Any) -> bool:
    return is_admin(user) and user.is_staff


def can_manage_people(user: Any) -> bool:
    """Users, teams, programs, limits, policies, tokens."""
    return is_admin(user)


def can_view_audit_log(user: Any) -> bool:
    return is_admin(user)


def can_change_role(actor: Any, target: User) -> bool:
    # An admin may not change its own role: another admin must (no silent self-demotion or lock-out).
    return is_admin(actor) and actor.pk != target.pk


def can_supervise_team(user: Any, team: Team) -> bool:
    """Reassign its tickets, see its numbers: its supervisors, managers of its programs, admins."""
    if not _active(user):
        return False
    if is_admin(user):
        return True
    if user.role == Role.MANAGER:
        return bool(served_program_ids(user) & {p.pk for p in team.programs.all()})
    if user.role == Role.SUPERVISOR:
        return team.memberships.filter(user=user, is_supervisor=True).exists()
    return False


# --- Approvals -----------------------------------------------------------------


def can_request_approval(user: Any, program_id: int | None) -> bool:
    return can_use_workspace(user) and can_serve_program(user, program_id)


def can_decide_approval(user: Any, request: Any) -> bool:
    """Supervisors of the requester's team (supervisor level), managers of the program, admins; never the requester."""
    if not can_decide_approvals(user) or request.requested_by_id == user.pk:
        return False
    if not can_serve_program(user, request.program_id):
        return False
    if is_admin(user) or user.role == Role.MANAGER:
        return True
    return (
        request.level == "supervisor"
        and request.team_id is not None
        and request.team.memberships.filter(user=user, is_supervisor=True).exists()
    )


def can_cancel_approval(user: Any, request: Any) -> bool:
    return _active(user) and request.requested_by_id == user.pk


def can_apply_approvals(user: Any) -> bool:
    """Billing systems (integrators) and admins mark granted requests as applied."""
    return _active(user) and user.role in {Role.INTEGRATOR, Role.ADMIN}

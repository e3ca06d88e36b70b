"""Who may see and change tickets and follow-ups."""

from __future__ import annotations

from typing import Any

from agents.models import Role
from agents.permissions import can_serve_program, can_supervise_team, can_use_workspace


def can_view_ticket(actor: Any, ticket: Any) -> bool:
    return can_serve_program(actor, ticket.program_id)


def can_work_ticket(actor: Any, ticket: Any) -> bool:
    """Comment, change status, transfer, schedule follow-ups: front line of the program, and integrators."""
    return can_view_ticket(actor, ticket) and (can_use_workspace(actor) or actor.role == Role.INTEGRATOR)


def can_create_ticket(actor: Any, program_id: int | None) -> bool:
    return can_serve_program(actor, program_id) and (can_use_workspace(actor) or actor.role == Role.INTEGRATOR)


def can_take_ticket(actor: Any, ticket: Any) -> bool:
    """An agent takes an unassigned ticket of a team it belongs to (or any, for supervisors and up)."""
    if not can_work_ticket(actor, ticket) or ticket.assignee_id is not None:
        return False
    if actor.role != Role.AGENT or ticket.team_id is None:
        return True
    return ticket.team.memberships.filter(user=actor).exists()


def can_reassign_ticket(actor: Any, ticket: Any) -> bool:
    if not can_work_ticket(actor, ticket):
        return False
    if actor.role == Role.INTEGRATOR:
        return True
    if ticket.team is None:
        return actor.role in {Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}
    return can_supervise_team(actor, ticket.team)


def can_manage_follow_up(actor: Any, follow_up: Any) -> bool:
    if not can_serve_program(actor, follow_up.program_id):
        return False
    return follow_up.owner_id == actor.pk or actor.role in {Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}

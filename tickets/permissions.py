"""Who may see and change tickets and follow-ups."""

from __future__ import annotations

from agents.models import Membership, Role
from agents.permissions import (
    Actor,
    can_serve_program,
    can_supervise_team,
    can_use_workspace,
    id_of,
    is_active_user,
    role_of,
)
from tickets.models import FollowUp, Ticket


def can_view_ticket(actor: Actor | None, ticket: Ticket) -> bool:
    return can_serve_program(actor, ticket.program_id)


def can_work_ticket(actor: Actor | None, ticket: Ticket) -> bool:
    """Comment, change status, transfer, schedule follow-ups: front line of the program, and integrators."""
    return can_view_ticket(actor, ticket) and (can_use_workspace(actor) or role_of(actor) == Role.INTEGRATOR)


def can_create_ticket(actor: Actor | None, program_id: int | None) -> bool:
    return can_serve_program(actor, program_id) and (can_use_workspace(actor) or role_of(actor) == Role.INTEGRATOR)


def can_take_ticket(actor: Actor | None, ticket: Ticket) -> bool:
    """An agent takes an unassigned ticket of a team it belongs to (or any, for supervisors and up)."""
    if not is_active_user(actor) or not can_work_ticket(actor, ticket) or ticket.assignee_id is not None:
        return False
    if actor.role != Role.AGENT or ticket.team_id is None:
        return True
    return Membership.objects.filter(team_id=ticket.team_id, user=actor).exists()


def can_reassign_ticket(actor: Actor | None, ticket: Ticket) -> bool:
    if not can_work_ticket(actor, ticket):
        return False
    if role_of(actor) == Role.INTEGRATOR:
        return True
    if ticket.team is None:
        return role_of(actor) in {Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}
    return can_supervise_team(actor, ticket.team)


def can_manage_follow_up(actor: Actor | None, follow_up: FollowUp) -> bool:
    if not can_serve_program(actor, follow_up.program_id):
        return False
    if follow_up.owner_id == id_of(actor) or role_of(actor) in {Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}:
        return True
    # A callback waiting in a team's queue with no owner is any of the team's members' to make.
    return (
        follow_up.owner_id is None
        and follow_up.team_id is not None
        and is_active_user(actor)
        and Membership.objects.filter(team_id=follow_up.team_id, user=actor).exists()
    )

"""Who runs campaigns and who works them (pure predicates; the services and the views ask them)."""

from __future__ import annotations

from agents.permissions import Actor, can_decide_approvals, can_serve_program, can_use_workspace
from outbound.models import Campaign


def can_manage_campaigns(actor: Actor | None, program_id: int | None) -> bool:
    """Supervisors, managers and admins of the program set campaigns up, load their lists, start and stop them."""
    return can_decide_approvals(actor) and can_serve_program(actor, program_id)


def can_work_campaign(actor: Actor | None, campaign: Campaign) -> bool:
    """Front-line people of the program call its contacts."""
    return can_use_workspace(actor) and can_serve_program(actor, campaign.program_id)

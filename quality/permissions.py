"""Who may do what with surveys (pure predicates; the services and the API ask them)."""

from __future__ import annotations

from agents.models import Role
from agents.permissions import Actor, is_admin, role_of


def can_record_survey_response(actor: Actor | None) -> bool:
    """IVR and SMS systems post answers; agents never do (they would be rating themselves)."""
    return is_admin(actor) or role_of(actor) == Role.INTEGRATOR


def can_see_survey_links(actor: Actor | None) -> bool:
    """A link answers the survey without login: only the systems that deliver it (and admins) read it."""
    return can_record_survey_response(actor)

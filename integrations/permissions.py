"""Who may hold integration records."""

from __future__ import annotations

from agents.models import Role
from agents.permissions import Actor, role_of


def can_manage_webhooks(user: Actor | None) -> bool:
    """Integrators (service accounts) and admins subscribe systems to events; people at the desk do not."""
    return role_of(user) in {Role.INTEGRATOR, Role.ADMIN}

"""Writes of people and organisation."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest

from agents import permissions
from agents.models import Role, User
from agents.services.audit import audit_record
from config.errors import NotAllowed


def user_change_role(*, user: User, role: str, actor: User, request: HttpRequest | None = None) -> User:
    """Change a user's role (and admin-site access with it); audits the change."""
    if role not in Role.values:
        raise NotAllowed(f"'{role}' is not a role.", field="role")
    if not permissions.can_change_role(actor, user):
        raise NotAllowed("You may not change this user's role.")
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.role == role:
            return locked
        previous = locked.role
        locked.role = role
        locked.is_staff = permissions.has_admin_site_access(role=role, is_superuser=locked.is_superuser)
        locked.save(update_fields=["role", "is_staff"])
        audit_record(
            action="user.role_changed",
            actor=actor,
            obj=locked,
            request=request,
            data={"from": previous, "to": role},
        )
    user.role, user.is_staff = locked.role, locked.is_staff
    return locked

"""Who may sign in with a password, and Django permissions from roles.

Integrators are service accounts: they use the API with a token and never sign in to the web
UI or the admin (``PasswordBackend``). An active admin may use every admin page.

Permissions in Switchboard are roles plus team and program membership
(``agents.permissions``); this backend tells Django's admin the same thing so
that nobody has to maintain permission groups by hand.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend, ModelBackend

from agents import permissions


class PasswordBackend(ModelBackend):
    """Django's username and password check, for people only."""

    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and permissions.can_sign_in_with_password(user)


class RolePermissionBackend(BaseBackend):
    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return permissions.can_access_admin_site(user_obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return permissions.can_access_admin_site(user_obj)

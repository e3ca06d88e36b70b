"""Django permissions from roles: an active admin may use every admin page.

Permissions in Switchboard are roles plus team and program membership
(``agents.permissions``); this backend tells Django's admin the same thing so
that nobody has to maintain permission groups by hand.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend

from agents import permissions


class RolePermissionBackend(BaseBackend):
    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return permissions.can_access_admin_site(user_obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return permissions.can_access_admin_site(user_obj)

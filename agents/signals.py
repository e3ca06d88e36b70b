"""Login, logout and failed-login audit events, from Django's auth signals; and a program's settings kept in
memory forgotten on every change made in this process (the ``program_settings`` hook, agents.settings_cache)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from agents.models import AgentState, User
from agents.permissions import FRONT_LINE
from agents.services import agent_state_set, audit_record
from agents.settings_cache import watch


@receiver(user_logged_in)
def audit_login(sender: object, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    audit_record(action="auth.login", actor=user, obj=user, request=request)


@receiver(user_logged_out)
def audit_logout(sender: object, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        audit_record(action="auth.logout", actor=user, obj=user, request=request)
        if user.role in FRONT_LINE:
            agent_state_set(actor=None, agent=user, state=AgentState.OFFLINE, source="logout")


@receiver(user_login_failed)
def audit_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Only the username tried: staff identifiers, never the password or customer data.
    username = str(credentials.get("username", ""))[:150]
    audit_record(
        action="auth.login_failed",
        actor_label=username or "anonymous",
        request=request,
        data={"username": username},
    )


watch()

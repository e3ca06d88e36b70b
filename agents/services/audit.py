"""The audit service every app records through."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest

from agents.models import AuditEvent, Program, User

SYSTEM_ACTOR = "system"


def request_ip(request: HttpRequest | None) -> str | None:
    """The client's address; X-Forwarded-For is trusted only when BEHIND_PROXY is set.

    Behind one proxy the client is the right-most entry (the one our proxy added);
    entries left of it come from the client and can be forged.
    """
    if request is None:
        return None
    candidate = request.META.get("REMOTE_ADDR", "")
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            candidate = forwarded.split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def audit_record(
    *,
    action: str,
    actor: Any = None,
    obj: models.Model | None = None,
    program: Program | int | None = None,
    request: HttpRequest | None = None,
    data: dict[str, Any] | None = None,
    actor_label: str | None = None,
) -> AuditEvent:
    """Append one audit event. ``data`` must hold identifiers and counts, never customer PII."""
    user = actor if isinstance(actor, User) else None
    label = actor_label or (user.get_username() if user is not None else SYSTEM_ACTOR)
    program_id = program.pk if isinstance(program, Program) else program
    if program_id is None and obj is not None:
        program_id = getattr(obj, "program_id", None)
    return AuditEvent.objects.create(
        actor=user,
        actor_label=label[:150],
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        program_id=program_id,
        ip_address=request_ip(request),
        data=data or {},
    )

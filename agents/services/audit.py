"""The audit service every app records through."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest

from agents.models import AuditEvent, Program, User
from agents.permissions import Actor
from config.security import request_ip

SYSTEM_ACTOR = "system"


def audit_record(
    *,
    action: str,
    actor: Actor | None = None,
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

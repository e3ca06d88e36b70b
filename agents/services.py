"""Writes of people and organisation, and the audit service every app records through."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from agents import permissions
from agents.models import AuditEvent, Notification, Program, Role, User
from config.errors import NotAllowed

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


def user_change_role(*, user: User, role: str, actor: Any, request: HttpRequest | None = None) -> User:
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
        locked.is_staff = role == Role.ADMIN or locked.is_superuser
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


def notification_send(
    *,
    recipient: User,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    dedupe_key: str | None = None,
) -> tuple[Notification, bool]:
    """Store an in-app notification once per ``dedupe_key``; emails it after commit when enabled.

    Returns ``(notification, created)``. Safe to call twice with the same key: the
    unique constraint makes the second call a no-op, even from another worker.
    """
    from crm.redaction import redact_text

    values = {"kind": kind, "title": redact_text(title)[:200], "body": redact_text(body), "url": url}
    if dedupe_key is None:
        notification = Notification.objects.create(recipient=recipient, **values)
        created = True
    else:
        notification, created = Notification.objects.get_or_create(
            dedupe_key=dedupe_key, defaults={"recipient": recipient, **values}
        )
    if created and settings.EMAIL_NOTIFICATIONS and recipient.email:
        from agents.tasks import notification_email

        notification_email.delay_on_commit(notification.pk)
    return notification, created


def notification_mark_read(*, notification: Notification, actor: User) -> Notification:
    if notification.recipient_id != actor.pk:
        raise NotAllowed("This notification is not yours.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at", "updated_at"])
    return notification


def notification_email_send(*, notification_id: int) -> bool:
    """Email one notification; stamps ``emailed_at`` so a retried task sends it once."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update().select_related("recipient").filter(pk=notification_id).first()
        )
        if notification is None or notification.emailed_at is not None:
            return False
        send_mail(
            subject=f"[Switchboard] {notification.title}",
            message=notification.body + (f"\n\n{notification.url}" if notification.url else ""),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[notification.recipient.email],
        )
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at", "updated_at"])
    return True

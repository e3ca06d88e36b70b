"""In-app notifications, emailed too when configured."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from agents.models import Notification, User
from config.errors import NotAllowed
from config.push import push_to_users
from config.queue import enqueue_on_commit
from config.redaction import redact_text


def notification_send(
    *,
    recipient: User,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    dedupe_key: str | None = None,
) -> tuple[Notification, bool]:
    """Store an in-app notification once per ``dedupe_key``; emails it after commit when enabled and
    pushes it to the recipient's open tabs.

    Returns ``(notification, created)``. Safe to call twice with the same key: the
    unique constraint makes the second call a no-op, even from another worker.
    """
    wants_email = bool(settings.EMAIL_NOTIFICATIONS and recipient.email)
    values = {
        "kind": kind,
        "title": redact_text(title)[:200],
        "body": redact_text(body),
        "url": url,
        "email_pending": wants_email,
    }
    if dedupe_key is None:
        notification = Notification.objects.create(recipient=recipient, **values)
        created = True
    else:
        notification, created = Notification.objects.get_or_create(
            dedupe_key=dedupe_key, defaults={"recipient": recipient, **values}
        )
    if created and wants_email:
        enqueue_on_commit("agents.notification_email", notification.pk)
    if created:
        # The recipient's open tabs hear of it at once (a decision on its approval, a callback due).
        push_to_users([recipient.pk], "notification", category=kind, text=notification.title, url=url)
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
        if notification is None or not notification.email_pending:
            return False
        send_mail(
            subject=f"[Switchboard] {notification.title}",
            message=notification.body + (f"\n\n{notification.url}" if notification.url else ""),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[notification.recipient.email],
        )
        notification.emailed_at = timezone.now()
        notification.email_pending = False
        notification.save(update_fields=["emailed_at", "email_pending", "updated_at"])
    return True


def notification_mark_all_read(*, actor: User) -> int:
    """Marks every unread notification of ``actor`` read; returns how many changed."""
    now = timezone.now()
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=now, updated_at=now)


def notification_emails_dispatch(*, batch_size: int = 100) -> int:
    """Beat task: emails every notification still owed one (its task was lost while the broker was down)."""
    sent = 0
    pending = Notification.objects.filter(email_pending=True).order_by("created_at").values_list("pk", flat=True)
    for notification_id in list(pending[:batch_size]):
        sent += notification_email_send(notification_id=notification_id)
    return sent

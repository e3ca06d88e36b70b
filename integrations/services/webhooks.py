"""Webhooks: every published domain event fans out to matching subscriptions, signed, retried, logged.

Signature header: ``X-Switchboard-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>``.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from agents.models import Role, User
from agents.permissions import served_program_ids
from agents.services import audit_record, notification_send
from config.events import EVENT_NAMES
from config.queue import enqueue_on_commit
from integrations.models import WebhookDelivery, WebhookSubscription


def sign(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def _is_private(host: str) -> bool:
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False  # unresolvable now; delivery will fail and be logged
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if address.is_private or address.is_loopback or address.is_link_local or address.is_reserved:
            return True
    return False


def webhook_url_check(url: str, *, allow_private: bool = False) -> None:
    parts = urlsplit(url)
    if parts.scheme not in {"https", "http"} or not parts.hostname:
        raise ValidationError({"url": ["Use an http(s) URL."]})
    if not (allow_private or settings.WEBHOOK_ALLOW_PRIVATE) and _is_private(parts.hostname):
        raise ValidationError({"url": ["This URL points at a private or local address; an admin must allow it."]})


def webhook_subscribe(*, actor: User, url: str, events: list[str], request: Any = None) -> WebhookSubscription:
    """Creates a subscription with a fresh secret (returned once in the API response)."""
    unknown = sorted(set(events) - set(EVENT_NAMES))
    if unknown or not events:
        raise ValidationError({"events": [f"Choose from: {', '.join(EVENT_NAMES)}."]})
    webhook_url_check(url)
    subscription = WebhookSubscription.objects.create(
        owner=actor, url=url, events=sorted(set(events)), secret=secrets.token_hex(32)
    )
    audit_record(action="webhook.create", actor=actor, obj=subscription, request=request, data={"events": events})
    return subscription


def webhook_fan_out(event: str, program_id: int | None, payload: dict[str, Any]) -> None:
    """Subscriber of config.events (runs after commit): one delivery row and one task per subscription."""
    subscriptions = WebhookSubscription.objects.filter(is_active=True, events__contains=[event]).select_related("owner")
    for subscription in subscriptions:
        if program_id is not None and program_id not in served_program_ids(subscription.owner):
            continue  # an integrator only hears about its own programs
        delivery = WebhookDelivery.objects.create(
            subscription=subscription,
            event=event,
            payload={"event": event, "program": program_id, "data": payload, "sent_at": timezone.now().isoformat()},
        )
        enqueue_on_commit("integrations.webhook_deliver", delivery.pk)


def webhook_deliver(*, delivery_id: int) -> bool:
    """One attempt. Returns True when delivered (2xx); on failure the task retries with backoff."""
    delivery = WebhookDelivery.objects.select_related("subscription").filter(pk=delivery_id).first()
    if delivery is None or delivery.delivered_at is not None or not delivery.subscription.is_active:
        return True
    subscription = delivery.subscription
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    timestamp = int(time.time())
    request = urllib.request.Request(  # noqa: S310 - the URL was checked at subscription time (http/https only)
        subscription.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Switchboard-Webhooks/1",
            "X-Switchboard-Event": delivery.event,
            "X-Switchboard-Delivery": str(delivery.pk),
            "X-Switchboard-Signature": f"t={timestamp},v1={sign(subscription.secret, timestamp, body)}",
        },
    )
    started = time.monotonic()
    status, error = None, ""
    try:
        with urllib.request.urlopen(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310
            status = response.status
    except urllib.error.HTTPError as exc:
        status, error = exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        error = str(getattr(exc, "reason", exc))[:300]
    ok = status is not None and 200 <= status < 300
    now = timezone.now()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        attempts=F("attempts") + 1,
        status_code=status,
        error=error,
        duration_ms=int((time.monotonic() - started) * 1000),
        last_attempt_at=now,
        delivered_at=now if ok else None,
    )
    if ok:
        WebhookSubscription.objects.filter(pk=subscription.pk).update(consecutive_failures=0)
    else:
        _record_failure(subscription)
    return ok


def _record_failure(subscription: WebhookSubscription) -> None:
    with transaction.atomic():
        locked = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
        locked.consecutive_failures += 1
        if locked.consecutive_failures >= settings.WEBHOOK_MAX_FAILURES and locked.is_active:
            locked.is_active = False
            locked.disabled_at = timezone.now()
            for admin in User.objects.filter(role=Role.ADMIN, is_active=True):
                notification_send(
                    recipient=admin,
                    kind="webhook.disabled",
                    title=f"Webhook disabled after {locked.consecutive_failures} failures: {locked.url}",
                    url=f"/admin/integrations/webhooksubscription/{locked.pk}/change/",
                    dedupe_key=f"webhook:{locked.pk}:disabled:{locked.disabled_at:%Y%m%d%H%M%S}",
                )
        locked.save(update_fields=["consecutive_failures", "is_active", "disabled_at", "updated_at"])

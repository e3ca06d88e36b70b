"""Webhooks: every published domain event fans out to matching subscriptions, signed, retried, logged.

Signature header: ``X-Switchboard-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>``.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import secrets
import socket
import ssl
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from agents.models import Program, Role, User
from agents.permissions import serves
from agents.services import audit_record, notification_send
from agents.settings_cache import program_setting
from config.errors import NotAllowed
from config.events import EVENT_NAMES
from config.queue import enqueue_on_commit
from config.redaction import refuse_card
from integrations.models import WebhookDelivery, WebhookSubscription
from integrations.permissions import can_manage_webhooks

logger = logging.getLogger(__name__)


def sign(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def _forbidden(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_multicast
        or address.is_unspecified
    )


@dataclass(frozen=True)
class Target:
    """Where a delivery goes: the URL's host (for TLS and the Host header) and the checked address to connect to."""

    scheme: str
    host: str
    port: int
    path: str
    address: str


def webhook_target(url: str, *, allow_private: bool = False) -> Target:
    """Checks ``url`` and resolves it now: http(s) only, on an allowed port, to public addresses only unless an
    admin allowed a private receiver. Asked at subscription and again before every delivery (DNS may change).
    Raises ValidationError naming ``url``."""
    parts = urlsplit(url)
    if parts.scheme not in {"https", "http"} or not parts.hostname:
        raise ValidationError({"url": ["Use an http(s) URL."]})
    private_allowed = allow_private or settings.WEBHOOK_ALLOW_PRIVATE
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise ValidationError({"url": ["The port is not a number between 1 and 65535."]}) from exc
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise ValidationError({"url": [f"{parts.hostname} cannot be resolved."]}) from exc
    addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    if not private_allowed and any(_forbidden(address) for address in addresses):
        raise ValidationError({"url": ["This URL points at a private or local address; an admin must allow it."]})
    if port not in settings.WEBHOOK_ALLOWED_PORTS and not private_allowed:
        allowed = ", ".join(str(p) for p in settings.WEBHOOK_ALLOWED_PORTS)
        raise ValidationError({"url": [f"Use a standard web port ({allowed})."]})
    path = parts.path or "/"
    return Target(
        parts.scheme, parts.hostname, port, path + (f"?{parts.query}" if parts.query else ""), str(addresses[0])
    )


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address that was checked, not to whatever the name resolves to a moment later."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self.target = target

    def connect(self) -> None:
        self.sock = socket.create_connection((self.target.address, self.target.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=ssl.create_default_context())
        self.target = target

    def connect(self) -> None:
        sock = socket.create_connection((self.target.address, self.target.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.target.host)  # type: ignore[attr-defined]


def _post(target: Target, body: bytes, headers: dict[str, str]) -> int:
    """One POST; redirects are not followed (a 3xx is a failed delivery, never a hop to another host)."""
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(target, timeout=settings.WEBHOOK_TIMEOUT_SECONDS)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


def webhook_subscribe(*, actor: User, url: str, events: list[str], request: Any = None) -> WebhookSubscription:
    """Creates a subscription with a fresh secret (returned once in the API response); audited."""
    if not can_manage_webhooks(actor):
        raise NotAllowed("Only integration accounts and administrators subscribe to webhooks.")
    unknown = sorted(set(events) - set(EVENT_NAMES))
    if unknown or not events:
        raise ValidationError({"events": [f"Choose from: {', '.join(EVENT_NAMES)}."]})
    refuse_card("url", url)
    webhook_target(url)
    subscription = WebhookSubscription.objects.create(
        owner=actor, url=url, events=sorted(set(events)), secret=secrets.token_hex(32)
    )
    audit_record(action="webhook.create", actor=actor, obj=subscription, request=request, data={"events": events})
    return subscription


def _events_listened() -> frozenset[str]:
    """The events some active subscription listens to, whoever owns it."""
    listened = WebhookSubscription.objects.filter(is_active=True).values_list("events", flat=True)
    return frozenset(event for events in listened for event in events)


def webhook_fan_out(event: str, program_id: int | None, payload: dict[str, Any], program: Program | None) -> None:
    """Subscriber of config.events, inside the publishing transaction: one delivery row (the outbox) per
    matching subscription, and a nudge to the worker once it commits. Redis may lose the nudge; the
    dispatcher (``webhook_deliveries_dispatch``) sends whatever is due from the rows.

    With the program's row in hand, an event nobody listens to costs no query: which events are listened
    to is kept in memory with the program's settings (a change of any subscription moves every program's
    version: integrations migration 0004)."""
    if program is not None and event not in program_setting(program, "webhooks.events", _events_listened):
        return
    matching = WebhookSubscription.objects.filter(is_active=True, events__contains=[event])
    if program_id is not None:  # an integrator only hears about its own programs
        matching = matching.filter(serves(F("owner_id"), program_id))
    # The ids only, in one query: most writes match no subscription, and each match is one row below.
    subscription_ids = list(matching.values_list("pk", flat=True))
    if not subscription_ids:
        return
    body = {"event": event, "program": program_id, "data": payload, "sent_at": timezone.now().isoformat()}
    deliveries = WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(subscription_id=pk, event=event, payload=body) for pk in subscription_ids]
    )
    for delivery in deliveries:
        enqueue_on_commit("integrations.webhook_deliver", delivery.pk)


def _due() -> Any:
    return WebhookDelivery.objects.filter(
        delivered_at__isnull=True, given_up_at__isnull=True, next_attempt_at__lte=timezone.now()
    )


def webhook_deliver(*, delivery_id: int) -> bool:
    """One attempt at one delivery, if it is due and nobody else is sending it. Returns whether it is settled
    (delivered, given up, or not ours to send now).

    The row is claimed with ``FOR UPDATE SKIP LOCKED`` for the time of the request, and the outcome is
    stamped in that transaction: the worker's task and the dispatcher never send one delivery at once.
    """
    with transaction.atomic():
        delivery = (
            _due().select_for_update(skip_locked=True, of=("self",)).select_related("subscription")
            .filter(pk=delivery_id).first()
        )  # fmt: skip
        if delivery is None:
            return True
        return _attempt(delivery)


def webhook_deliveries_dispatch(*, batch_size: int = 50, time_budget: float = 50.0) -> int:
    """Beat task: sends every due delivery (new ones whose nudge was lost, and retries), batch by batch."""
    started, sent = time.monotonic(), 0
    while time.monotonic() - started < time_budget:
        with transaction.atomic():
            batch = list(
                _due().select_for_update(skip_locked=True, of=("self",)).select_related("subscription")
                .order_by("next_attempt_at", "id")[:batch_size]
            )  # fmt: skip
            for delivery in batch:
                sent += _attempt(delivery)
        if len(batch) < batch_size:
            break
    if sent:
        logger.info("webhooks: dispatched %d deliveries", sent)
    return sent


def _attempt(delivery: WebhookDelivery) -> bool:
    subscription = delivery.subscription
    now = timezone.now()
    if not subscription.is_active:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(given_up_at=now, error="subscription disabled")
        return True
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Switchboard-Webhooks/1",
        "X-Switchboard-Event": delivery.event,
        "X-Switchboard-Delivery": str(delivery.pk),
        "X-Switchboard-Signature": f"t={timestamp},v1={sign(subscription.secret, timestamp, body)}",
    }
    started = time.monotonic()
    status, error = None, ""
    try:
        status = _post(webhook_target(subscription.url, allow_private=subscription.allow_private), body, headers)
        if 300 <= status < 400:
            error = f"HTTP {status}: redirects are not followed"
        elif not 200 <= status < 300:
            error = f"HTTP {status}"
    except ValidationError as exc:
        error = " ".join(exc.messages)[:300]  # the address is no longer allowed (or no longer resolves)
    except (OSError, http.client.HTTPException) as exc:
        error = str(exc)[:300] or type(exc).__name__
    ok = status is not None and 200 <= status < 300
    attempts = delivery.attempts + 1
    now = timezone.now()
    give_up = not ok and attempts >= settings.WEBHOOK_MAX_ATTEMPTS
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        attempts=attempts,
        status_code=status,
        error=error,
        duration_ms=int((time.monotonic() - started) * 1000),
        last_attempt_at=now,
        delivered_at=now if ok else None,
        # Exponential backoff: 10 s, 20 s, 40 s, ... at most an hour.
        next_attempt_at=now + timedelta(seconds=min(10 * 2 ** (attempts - 1), 3600)),
        given_up_at=now if give_up else None,
    )
    if ok:
        WebhookSubscription.objects.filter(pk=subscription.pk).update(consecutive_failures=0)
    else:
        _record_failure(subscription)
    return ok or give_up


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

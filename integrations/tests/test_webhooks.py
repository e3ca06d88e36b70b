"""Webhooks: signed deliveries, retries, disabling, program scoping, and the address rules (no SSRF)."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from agents.models import Notification, Program
from config.errors import NotAllowed
from integrations.models import WebhookDelivery, WebhookSubscription
from integrations.services.webhooks import webhook_deliver, webhook_deliveries_dispatch, webhook_subscribe
from tickets.services.tickets import ticket_create

pytestmark = pytest.mark.django_db


class _Receiver(BaseHTTPRequestHandler):
    received: list[tuple[dict[str, str], bytes]] = []
    fail_next = 0

    redirect_to = ""

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if _Receiver.redirect_to:
            self.send_response(307)
            self.send_header("Location", _Receiver.redirect_to)
        elif _Receiver.fail_next:
            _Receiver.fail_next -= 1
            self.send_response(503)
        else:
            _Receiver.received.append((dict(self.headers), body))
            self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver():
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    _Receiver.received = []
    _Receiver.fail_next = 0
    _Receiver.redirect_to = ""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook"
    server.shutdown()


def test_private_webhook_url_is_refused_unless_allowed(world, settings):
    from django.core.exceptions import ValidationError

    settings.WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(ValidationError, match="private"):
        webhook_subscribe(actor=world.integrator, url="http://127.0.0.1:9/hook", events=["ticket.created"])


def _time_passes(delivery: WebhookDelivery) -> None:
    """The retry's backoff has run out."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())


def test_webhook_is_signed_retried_after_failure_and_logged(world, receiver, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    subscription = webhook_subscribe(actor=world.integrator, url=receiver, events=["ticket.created"])
    from tickets.services.tickets import ticket_create

    ticket = ticket_create(actor=world.agent, program=world.program_a, subject="Oven broken")
    # The delivery row was written with the ticket, in its transaction (the outbox).
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    _Receiver.fail_next = 1
    assert webhook_deliver(delivery_id=delivery.pk) is False  # receiver down: logged, retried later
    assert webhook_deliver(delivery_id=delivery.pk) is True  # not due yet: nothing sent, nothing to do
    assert _Receiver.received == []
    _time_passes(delivery)
    assert webhook_deliveries_dispatch() == 1
    assert webhook_deliveries_dispatch() == 0
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert delivery.status_code == 204
    headers, body = _Receiver.received[-1]
    timestamp, signature = (part.split("=", 1)[1] for part in headers["X-Switchboard-Signature"].split(","))
    expected = hmac.new(subscription.secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(signature, expected)
    assert json.loads(body)["data"]["ticket_id"] == ticket.pk


def test_webhook_disabled_after_repeated_failures_and_admin_told(world, receiver, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    settings.WEBHOOK_MAX_FAILURES = 3
    subscription = webhook_subscribe(actor=world.integrator, url=receiver, events=["call.logged"])
    delivery = WebhookDelivery.objects.create(subscription=subscription, event="call.logged", payload={})
    _Receiver.fail_next = 10
    for _ in range(3):
        _time_passes(delivery)
        webhook_deliver(delivery_id=delivery.pk)
    subscription.refresh_from_db()
    assert subscription.is_active is False
    assert Notification.objects.filter(recipient=world.admin, kind="webhook.disabled").exists()


def test_webhooks_only_carry_the_integrators_programs(world, settings):
    from integrations.services.webhooks import webhook_fan_out

    settings.WEBHOOK_ALLOW_PRIVATE = True
    subscription = webhook_subscribe(actor=world.integrator, url="http://127.0.0.1:9/", events=["ticket.created"])
    webhook_fan_out("ticket.created", world.program_b.pk, {"ticket_id": 1}, world.program_b)
    assert not WebhookDelivery.objects.filter(subscription=subscription).exists()


def test_a_subscription_made_by_another_process_hears_the_next_event(world):
    """Which events are listened to is kept in memory (agents.settings_cache); a change elsewhere reaches
    this process through the database alone (no signal here), and the next event is delivered."""

    def open_ticket() -> None:
        # As a new request opens it: with the program read now.
        ticket_create(actor=world.agent, program=Program.objects.get(pk=world.program_a.pk), subject="Oven")

    def deliveries() -> list[str]:
        return list(WebhookDelivery.objects.order_by("pk").values_list("event", flat=True))

    open_ticket()
    open_ticket()  # nobody listens: remembered
    assert deliveries() == []
    (subscription,) = WebhookSubscription.objects.bulk_create(
        [
            WebhookSubscription(
                owner=world.integrator, url="https://93.184.216.34/hook", secret="s", events=["call.logged"]
            )
        ]
    )
    open_ticket()
    assert deliveries() == []
    WebhookSubscription.objects.filter(pk=subscription.pk).update(events=["call.logged", "ticket.created"])
    open_ticket()
    assert deliveries() == ["ticket.created"]
    WebhookSubscription.objects.filter(pk=subscription.pk).update(is_active=False)
    open_ticket()
    assert deliveries() == ["ticket.created"]


def test_an_unresolvable_host_or_an_odd_port_is_refused_at_subscription(world, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(ValidationError, match="cannot be resolved"):
        webhook_subscribe(actor=world.integrator, url="https://no-such-host.invalid/hook", events=["call.logged"])
    with pytest.raises(ValidationError, match="standard web port"):
        webhook_subscribe(actor=world.integrator, url="https://93.184.216.34:22/", events=["call.logged"])
    with pytest.raises(ValidationError, match="http"):
        webhook_subscribe(actor=world.integrator, url="file:///etc/passwd", events=["call.logged"])
    assert not WebhookSubscription.objects.exists()


def test_the_address_is_checked_again_at_delivery(world, receiver, settings):
    """A URL that passed once (or was changed behind our back) is resolved and checked before each attempt."""
    settings.WEBHOOK_ALLOW_PRIVATE = False
    subscription = WebhookSubscription.objects.create(
        owner=world.integrator, url=receiver, secret="s", events=["call.logged"]
    )
    delivery = WebhookDelivery.objects.create(subscription=subscription, event="call.logged", payload={})
    assert webhook_deliver(delivery_id=delivery.pk) is False
    delivery.refresh_from_db()
    assert "private" in delivery.error
    assert _Receiver.received == []


def test_redirects_are_not_followed(world, receiver, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    elsewhere = receiver.replace("/hook", "/elsewhere")
    _Receiver.redirect_to = elsewhere
    subscription = webhook_subscribe(actor=world.integrator, url=receiver, events=["call.logged"])
    delivery = WebhookDelivery.objects.create(subscription=subscription, event="call.logged", payload={})
    assert webhook_deliver(delivery_id=delivery.pk) is False
    delivery.refresh_from_db()
    assert (delivery.status_code, delivery.delivered_at) == (307, None)
    assert "redirects are not followed" in delivery.error
    assert _Receiver.received == []  # nothing was posted to the redirect's target


def test_only_integrators_and_admins_subscribe(world, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    with pytest.raises(NotAllowed):
        webhook_subscribe(actor=world.agent, url="http://127.0.0.1:9/", events=["call.logged"])
    api = APIClient()
    api.force_authenticate(world.supervisor)
    response = api.post("/api/v1/webhooks/", {"url": "http://127.0.0.1:9/", "events": ["call.logged"]}, format="json")
    assert response.status_code == 403
    assert not WebhookSubscription.objects.exists()
    assert webhook_subscribe(actor=world.admin, url="http://127.0.0.1:9/", events=["call.logged"]).pk

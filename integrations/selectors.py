"""Reads of integration records, scoped to their owner."""

from __future__ import annotations

from django.db.models import QuerySet

from agents.permissions import Actor
from integrations.models import WebhookSubscription


def webhook_list(*, actor: Actor) -> QuerySet[WebhookSubscription]:
    """An integrator's own subscriptions (nobody sees another's secret or URL)."""
    return WebhookSubscription.objects.filter(owner_id=actor.pk).order_by("id")

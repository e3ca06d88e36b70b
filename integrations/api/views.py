"""Integrators manage their own webhook subscriptions."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from agents.http import api_actor
from config.api.serializers import ModelSerializer
from config.events import EVENT_NAMES
from integrations.models import WebhookDelivery, WebhookSubscription
from integrations.selectors import webhook_list
from integrations.services.webhooks import webhook_subscribe


class WebhookSerializer(ModelSerializer):
    events = serializers.ListField(child=serializers.ChoiceField(choices=EVENT_NAMES), min_length=1)
    secret = serializers.CharField(read_only=True, help_text="Verify X-Switchboard-Signature with it.")

    class Meta:
        model = WebhookSubscription
        fields = ["id", "created_at", "updated_at", "url", "events", "secret", "is_active", "consecutive_failures"]
        read_only_fields = ["id", "created_at", "updated_at", "secret", "is_active", "consecutive_failures"]


class DeliverySerializer(ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = ["id", "event", "attempts", "status_code", "error", "duration_ms", "delivered_at", "created_at"]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(summary="Your webhook subscriptions"),
    create=extend_schema(summary="Subscribe a URL to events"),
    destroy=extend_schema(summary="Unsubscribe"),
)
class WebhookViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = WebhookSerializer
    filterset_fields = {"is_active": ["exact"], "updated_at": ["gte", "lte"]}

    def get_queryset(self) -> QuerySet[WebhookSubscription]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return WebhookSubscription.objects.none()
        return webhook_list(actor=self.request.user)

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        serializer.instance = webhook_subscribe(
            actor=api_actor(self.request), url=data["url"], events=data["events"], request=self.request
        )

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest

from agents.http import signed_in_user
from integrations.models import ApiToken, IdempotencyRecord, WebhookDelivery, WebhookSubscription
from integrations.services.tokens import token_create, token_revoke


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created here with the secret shown once; only name and expiry can be edited after."""

    list_display = ["name", "user", "prefix", "expires_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "user__username"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    fields = ["user", "name", "expires_at", "prefix", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        token, raw = token_create(
            user=obj.user, name=obj.name, actor=signed_in_user(request), request=request, expires_days=None
        )
        if obj.expires_at:
            ApiToken.objects.filter(pk=token.pk).update(expires_at=obj.expires_at)
        obj.pk = token.pk
        messages.warning(request, f"Copy this token now, it will not be shown again: {raw}")

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: Any) -> None:
        for token in queryset:
            token_revoke(token=token, actor=signed_in_user(request), request=request)


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["url", "owner", "is_active", "consecutive_failures", "disabled_at"]
    list_filter = ["is_active"]
    search_fields = ["url", "owner__username"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]
    readonly_fields = ["secret", "consecutive_failures", "disabled_at"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "event", "subscription", "attempts", "status_code", "error", "delivered_at"]
    list_filter = ["event"]
    search_fields = ["event"]
    list_select_related = ["subscription"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(admin.ModelAdmin):
    list_display = ["key", "scope", "status_code", "created_at"]
    search_fields = ["key"]
    exclude = ["response_body"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

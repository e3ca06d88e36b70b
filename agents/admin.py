from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

from agents import services
from agents.models import (
    ApiToken,
    ApprovalRequest,
    AuditEvent,
    AuthorityLimit,
    IdempotencyRecord,
    Membership,
    Notification,
    Program,
    ProgramPhoneNumber,
    Team,
    User,
    WebhookDelivery,
    WebhookSubscription,
)


class ProgramPhoneNumberInline(admin.TabularInline):
    model = ProgramPhoneNumber
    extra = 0


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "default_region", "time_zone", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug", "phone_numbers__number"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ProgramPhoneNumberInline]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_active"]
    list_filter = ["is_active", "programs"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["programs"]
    inlines = [MembershipInline]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "teams"]
    search_fields = ["username", "first_name", "last_name", "email", "extension"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("Switchboard", {"fields": ["role", "time_zone", "languages", "extension", "programs"]}),
    )
    filter_horizontal = ["groups", "user_permissions", "programs"]

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        # Role changes go through the service so they are checked and audited like any other.
        new_role = obj.role
        if change and "role" in form.changed_data:
            obj.role = form.initial.get("role", obj.role)
            super().save_model(request, obj, form, change)
            services.user_change_role(user=obj, role=new_role, actor=request.user, request=request)
            return
        if not change:
            obj.is_staff = obj.is_staff or new_role == "admin"
        super().save_model(request, obj, form, change)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_label", "action", "object_type", "object_id", "program", "ip_address"]
    list_filter = ["action", "program", ("at", admin.DateFieldListFilter)]
    search_fields = ["actor_label", "action", "object_type", "object_id"]
    date_hierarchy = "at"
    list_select_related = ["program"]

    # The log is append-only: the admin can read and filter, never add, change or delete.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "recipient", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "recipient__username"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient"]
    readonly_fields = ["dedupe_key", "emailed_at"]


@admin.register(AuthorityLimit)
class AuthorityLimitAdmin(admin.ModelAdmin):
    list_display = ["__str__", "role", "user", "kind", "currency", "max_amount"]
    list_filter = ["role", "kind", "currency"]
    raw_id_fields = ["user"]

    def save_model(self, request: HttpRequest, obj: AuthorityLimit, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        services.audit_record(
            action="limit.change" if change else "limit.create",
            actor=request.user,
            obj=obj,
            request=request,
            data={"role": obj.role, "kind": obj.kind, "currency": obj.currency, "max": str(obj.max_amount)},
        )


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(admin.ModelAdmin):
    """Decisions are made in the queue (one conditional update); here they are only read."""

    list_display = ["created_at", "kind", "amount", "currency", "status", "requested_by", "decided_by", "program"]
    list_filter = ["status", "kind", "level", "program"]
    search_fields = ["reference", "requested_by__username"]
    list_select_related = ["requested_by", "decided_by", "program"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


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
        from agents.services.tokens import token_create

        token, raw = token_create(user=obj.user, name=obj.name, actor=request.user, request=request, expires_days=None)
        if obj.expires_at:
            ApiToken.objects.filter(pk=token.pk).update(expires_at=obj.expires_at)
        obj.pk = token.pk
        messages.warning(request, f"Copy this token now, it will not be shown again: {raw}")

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: Any) -> None:
        from agents.services.tokens import token_revoke

        for token in queryset:
            token_revoke(token=token, actor=request.user, request=request)


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

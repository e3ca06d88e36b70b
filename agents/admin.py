from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

from agents import permissions, services
from agents.http import signed_in_user
from agents.models import (
    AgentStateSpan,
    AuditEvent,
    BreakReason,
    Membership,
    Notification,
    Program,
    ProgramPhoneNumber,
    Team,
    User,
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
    list_display = ["name", "slug", "languages", "skills", "is_active"]
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
        ("Switchboard", {"fields": ["role", "time_zone", "languages", "skills", "extension", "programs"]}),
    )
    filter_horizontal = ["groups", "user_permissions", "programs"]

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        # Role changes go through the service so they are checked and audited like any other.
        new_role = obj.role
        if change and "role" in form.changed_data:
            obj.role = form.initial.get("role", obj.role)
            super().save_model(request, obj, form, change)
            services.user_change_role(user=obj, role=new_role, actor=signed_in_user(request), request=request)
            return
        if not change:
            obj.is_staff = obj.is_staff or permissions.has_admin_site_access(
                role=new_role, is_superuser=obj.is_superuser
            )
        super().save_model(request, obj, form, change)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that are evidence (the audit log, agent state spans): read and filter, never add, change
    or delete."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_label", "action", "object_type", "object_id", "program", "ip_address"]
    list_filter = ["action", "program", ("at", admin.DateFieldListFilter)]
    search_fields = ["actor_label", "action", "object_type", "object_id"]
    date_hierarchy = "at"
    list_select_related = ["program"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "recipient", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "recipient__username"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient"]
    readonly_fields = ["dedupe_key", "emailed_at"]


@admin.register(BreakReason)
class BreakReasonAdmin(admin.ModelAdmin):
    """Each program's reasons for a break; agents choose one in the top bar."""

    list_display = ["label", "code", "program", "is_active"]
    list_filter = ["program", "is_active"]
    prepopulated_fields = {"code": ["label"]}


@admin.register(AgentStateSpan)
class AgentStateSpanAdmin(ReadOnlyAdmin):
    """Who was in which state when: the record occupancy is measured from."""

    list_display = ["user", "state", "reason", "started_at", "ended_at", "source"]
    list_filter = ["state", "source"]
    search_fields = ["user__username"]
    list_select_related = ["user", "reason"]
    date_hierarchy = "started_at"

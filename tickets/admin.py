from __future__ import annotations

from django.contrib import admin

from tickets.models import Category, Comment, FollowUp, QueueCount, SlaPolicy, Ticket, TicketEvent


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "program", "team"]
    list_filter = ["program", "team"]
    search_fields = ["name"]


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = ["program", "priority", "first_response_minutes", "resolution_minutes"]
    list_filter = ["program", "priority"]


class CommentInline(admin.TabularInline):
    model = Comment
    extra = 0
    raw_id_fields = ["author"]


class EventInline(admin.TabularInline):
    model = TicketEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "actor", "old_value", "new_value", "note", "at"]

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ["number", "subject", "program", "status", "priority", "team", "assignee", "resolution_due"]
    list_filter = ["program", "status", "priority", "team", "channel"]
    search_fields = ["number", "subject", "customer__name"]
    list_select_related = ["program", "team", "assignee"]
    raw_id_fields = ["customer", "assignee", "created_by"]
    readonly_fields = ["number", "sla_breached_at", "first_responded_at", "resolved_at", "closed_at"]
    inlines = [CommentInline, EventInline]


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["due_at", "owner", "ticket", "customer", "status", "notified_at"]
    list_filter = ["status", "program"]
    search_fields = ["owner__username", "ticket__number"]
    list_select_related = ["owner", "ticket", "customer"]
    raw_id_fields = ["ticket", "customer", "owner"]
    readonly_fields = ["notified_at", "completed_at"]


@admin.register(QueueCount)
class QueueCountAdmin(admin.ModelAdmin):
    """Read-only: the database triggers keep these counters; an edit would only make them wrong."""

    list_display = ["team", "assignee", "status", "n"]
    list_filter = ["team", "status"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False

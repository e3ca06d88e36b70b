from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from agents.admin import ReadOnlyAdmin
from agents.http import signed_in_user
from config.hours import WindowsFormField
from tickets.models import (
    BusinessHours,
    Category,
    Comment,
    FollowUp,
    QueueCount,
    SlaPolicy,
    SlaRecompute,
    Ticket,
    TicketEvent,
)
from tickets.services.sla import sla_calendar_delete, sla_calendar_save


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "program", "team", "skills"]
    list_filter = ["program", "team"]
    search_fields = ["name"]


class SlaCalendarAdmin(admin.ModelAdmin):
    """Changes to a program's SLA clock go through the service: audited, and open tickets' due times follow."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        changed = list(form.changed_data) if change else [f.name for f in obj._meta.concrete_fields]
        sla_calendar_save(actor=signed_in_user(request), record=obj, changed=changed, request=request)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        sla_calendar_delete(actor=signed_in_user(request), record=obj, request=request)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(SlaPolicy)
class SlaPolicyAdmin(SlaCalendarAdmin):
    list_display = ["program", "priority", "first_response_minutes", "resolution_minutes", "business_hours"]
    list_filter = ["program", "priority", "business_hours"]


class BusinessHoursForm(forms.ModelForm):
    class Meta:
        model = BusinessHours
        fields = ["program", "windows", "holidays"]
        field_classes = {"windows": WindowsFormField}


@admin.register(BusinessHours)
class BusinessHoursAdmin(SlaCalendarAdmin):
    """When each program's teams work, in the program's time zone (SLA policies may count only this time)."""

    form = BusinessHoursForm
    list_display = ["program", "windows", "updated_at"]


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


@admin.register(SlaRecompute)
class SlaRecomputeAdmin(ReadOnlyAdmin):
    """Programs whose open tickets' due times are being computed again (the task deletes the row when done)."""

    list_display = ["program", "requested_at"]

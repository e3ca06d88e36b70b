from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from agents.admin import ReadOnlyAdmin
from agents.http import signed_in_user
from config.hours import WindowsFormField
from crm.models import (
    Call,
    CallEvent,
    CallingHours,
    CannedText,
    ConsentRecord,
    Customer,
    CustomerAccess,
    CustomerEmail,
    CustomerPhone,
    DataRequest,
    DoNotCallEntry,
    Note,
    Organization,
    RetentionPolicy,
    WrapUpCode,
)
from crm.services.do_not_call import do_not_call_remove


class PhoneInline(admin.TabularInline):
    model = CustomerPhone
    extra = 0


class EmailInline(admin.TabularInline):
    model = CustomerEmail
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "program"]
    list_filter = ["program"]
    search_fields = ["name"]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name", "program", "organization", "vip", "do_not_call", "legal_hold", "last_activity_at"]
    list_filter = ["program", "vip", "do_not_call", "legal_hold"]
    search_fields = ["name", "phones__number", "emails__address", "organization__name"]
    list_select_related = ["program", "organization"]
    raw_id_fields = ["organization", "preferred_agent"]
    readonly_fields = ["erased_at", "last_activity_at"]
    inlines = [PhoneInline, EmailInline]


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    list_display = ["__str__", "flag", "author", "created_at"]
    list_filter = ["flag"]
    search_fields = ["customer__name"]
    list_select_related = ["author"]
    raw_id_fields = ["customer", "author"]


class CallEventInline(admin.TabularInline):
    """What telephony reported: evidence, read-only (the call's figures are replayed from it)."""

    model = CallEvent
    extra = 0
    readonly_fields = ("event", "at", "agent", "received_at")
    fields = readonly_fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["started_at", "direction", "program", "customer", "agent", "state", "wrap_up_code", "talk_seconds"]
    list_filter = ["program", "direction", "state", "disposition", "first_contact_resolution"]
    inlines = [CallEventInline]
    readonly_fields = [
        "state",
        "queued_at",
        "answered_at",
        "ended_at",
        "wrap_up_done_at",
        "wait_seconds",
        "talk_seconds",
        "hold_seconds",
        "wrap_up_seconds",
        "transferred",
        "recording_url",
    ]  # fmt: skip (the recording link is telephony's to set)
    search_fields = ["external_id", "phone_number", "customer__name"]
    list_select_related = ["program", "customer", "agent"]
    raw_id_fields = ["customer", "agent", "ticket"]
    date_hierarchy = "started_at"


@admin.register(WrapUpCode)
class WrapUpCodeAdmin(admin.ModelAdmin):
    """Each program's own call outcomes; agents pick one before they are available again."""

    list_display = ["label", "code", "program", "resolves", "is_active", "position"]
    list_filter = ["program", "is_active"]
    list_editable = ["is_active", "position"]
    prepopulated_fields = {"code": ["label"]}


@admin.register(CustomerAccess)
class CustomerAccessAdmin(admin.ModelAdmin):
    """The access log is evidence: read-only."""

    list_display = ["at", "user", "customer"]
    list_select_related = ["user", "customer"]
    search_fields = ["user__username"]
    date_hierarchy = "at"

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(admin.ModelAdmin):
    list_display = ["target", "keep_days", "action", "is_active"]
    list_editable = ["keep_days", "action", "is_active"]


@admin.register(DataRequest)
class DataRequestAdmin(admin.ModelAdmin):
    """Admins file exports and erasures here; an export downloads while it is valid."""

    list_display = ["created_at", "kind", "customer", "status", "due_at", "completed_at", "download"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["customer"]
    fields = ["kind", "customer", "reason", "status", "due_at", "completed_at", "export_expires_at"]
    readonly_fields = ["status", "due_at", "completed_at", "export_expires_at"]

    def save_model(self, request: HttpRequest, obj: DataRequest, form: Any, change: bool) -> None:
        if change:
            return
        from crm.services.erasure import data_request_create

        created = data_request_create(
            actor=signed_in_user(request), customer=obj.customer, kind=obj.kind, reason=obj.reason
        )
        obj.pk = created.pk

    @admin.display(description="Export")
    def download(self, obj: DataRequest) -> str:
        if obj.kind != "export" or obj.export is None:
            return ""
        if obj.export_expires_at and obj.export_expires_at < timezone.now():
            return "expired"
        return format_html('<a href="{}">Download JSON</a>', reverse("crm:data_export", args=[obj.pk]))


class CallingHoursForm(forms.ModelForm):
    class Meta:
        model = CallingHours
        fields = ["program", "windows", "holidays"]
        field_classes = {"windows": WindowsFormField}


@admin.register(CallingHours)
class CallingHoursAdmin(admin.ModelAdmin):
    """When each program may call its customers, in their local time (invariant 12)."""

    form = CallingHoursForm
    list_display = ["program", "windows", "updated_at"]


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyAdmin):
    """The ledger is proof: read and filter here; records are added by agents and systems, never edited."""

    list_display = ["at", "customer", "purpose", "granted", "channel", "source", "recorded_by_label"]
    list_filter = ["purpose", "granted", "channel", "program"]
    raw_id_fields = ["customer"]
    list_select_related = ["customer"]


@admin.register(DoNotCallEntry)
class DoNotCallEntryAdmin(admin.ModelAdmin):
    """Entries are added through the services (audited): the API, the customer page, ``manage.py dnc_import``;
    admins search and remove them here."""

    list_display = ["number", "program", "source", "added_on", "added_by"]
    list_filter = ["source", "program"]
    search_fields = ["=number"]
    readonly_fields = ["program", "number", "source", "added_on", "added_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: DoNotCallEntry) -> None:
        do_not_call_remove(actor=signed_in_user(request), entry=obj)


@admin.register(CannedText)
class CannedTextAdmin(admin.ModelAdmin):
    """Canned replies and note templates agents insert on tickets and calls (placeholders in braces)."""

    list_display = ["title", "kind", "program", "team", "is_active", "updated_at"]
    list_filter = ["program", "kind", "is_active", "team"]
    search_fields = ["title", "body"]

    def save_model(self, request: HttpRequest, obj: CannedText, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = signed_in_user(request)
        super().save_model(request, obj, form, change)

from __future__ import annotations

from django.contrib import admin

from crm.models import Call, Customer, CustomerAccess, CustomerEmail, CustomerPhone, Note, Organization


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


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["started_at", "direction", "program", "customer", "agent", "disposition", "talk_seconds"]
    list_filter = ["program", "direction", "disposition", "first_contact_resolution"]
    search_fields = ["external_id", "phone_number", "customer__name"]
    list_select_related = ["program", "customer", "agent"]
    raw_id_fields = ["customer", "agent", "ticket"]
    date_hierarchy = "started_at"


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

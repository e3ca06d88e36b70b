from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from agents.http import signed_in_user
from agents.services import audit_record
from approvals.models import ApprovalRequest, AuthorityLimit


@admin.register(AuthorityLimit)
class AuthorityLimitAdmin(admin.ModelAdmin):
    list_display = ["__str__", "role", "user", "kind", "currency", "max_amount"]
    list_filter = ["role", "kind", "currency"]
    raw_id_fields = ["user"]

    def save_model(self, request: HttpRequest, obj: AuthorityLimit, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            action="limit.change" if change else "limit.create",
            actor=signed_in_user(request),
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

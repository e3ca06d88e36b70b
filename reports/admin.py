from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from agents.http import signed_in_user
from reports.models import AgentInterval, CallInterval, ProgramTargets, RollupCursor, WorkInterval
from reports.services.targets import targets_save


@admin.register(ProgramTargets)
class ProgramTargetsAdmin(admin.ModelAdmin):
    list_display = [
        "program", "service_level_seconds", "short_abandon_seconds", "aht_seconds", "asa_seconds", "service_level",
        "abandon_rate", "fcr_rate", "csat",
    ]  # fmt: skip
    readonly_fields = ["restate_pending"]

    def save_model(self, request: HttpRequest, obj: ProgramTargets, form: Any, change: bool) -> None:
        changed = list(form.changed_data) if change else [f.name for f in obj._meta.concrete_fields]
        targets_save(actor=signed_in_user(request), targets=obj, changed=changed, request=request)


class _Derived(admin.ModelAdmin):
    """Rollups are rewritten by the rollup task from calls and agent states: read here, never edited."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CallInterval)
class CallIntervalAdmin(_Derived):
    list_display = ["start", "program", "team", "agent", "offered", "answered", "abandoned", "handled"]
    list_filter = ["program"]
    list_select_related = ["program", "team", "agent"]
    date_hierarchy = "start"


@admin.register(WorkInterval)
class WorkIntervalAdmin(_Derived):
    list_display = [
        "start",
        "program",
        "team",
        "tickets_opened",
        "tickets_resolved",
        "approvals_decided",
        "callbacks_due",
    ]
    list_filter = ["program"]
    list_select_related = ["program", "team"]
    date_hierarchy = "start"


@admin.register(AgentInterval)
class AgentIntervalAdmin(_Derived):
    list_display = ["start", "agent", "available_seconds", "on_call_seconds", "wrap_up_seconds", "break_seconds"]
    list_select_related = ["agent"]
    date_hierarchy = "start"


@admin.register(RollupCursor)
class RollupCursorAdmin(_Derived):
    list_display = ["name", "position"]

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from agents.admin import ReadOnlyAdmin
from agents.http import signed_in_user
from reports.models import (
    AgentDay,
    AgentInterval,
    CallDay,
    CallInterval,
    ProgramTargets,
    ReportingZone,
    RollupCursor,
    WorkInterval,
)
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


# Rollups are rewritten by the rollup task from calls, tickets, approvals and agent states: read here only.
@admin.register(CallInterval)
class CallIntervalAdmin(ReadOnlyAdmin):
    list_display = ["start", "program", "team", "agent", "offered", "answered", "abandoned", "handled"]
    list_filter = ["program"]
    list_select_related = ["program", "team", "agent"]
    date_hierarchy = "start"


@admin.register(WorkInterval)
class WorkIntervalAdmin(ReadOnlyAdmin):
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
class AgentIntervalAdmin(ReadOnlyAdmin):
    list_display = ["start", "agent", "available_seconds", "on_call_seconds", "wrap_up_seconds", "break_seconds"]
    list_select_related = ["agent"]
    date_hierarchy = "start"


@admin.register(CallDay)
class CallDayAdmin(ReadOnlyAdmin):
    list_display = ["day", "zone", "program", "team", "agent", "offered", "answered", "abandoned", "handled"]
    list_filter = ["zone", "program"]
    list_select_related = ["program", "team", "agent"]
    date_hierarchy = "day"


@admin.register(AgentDay)
class AgentDayAdmin(ReadOnlyAdmin):
    list_display = ["day", "zone", "agent", "available_seconds", "on_call_seconds", "wrap_up_seconds", "break_seconds"]
    list_filter = ["zone"]
    list_select_related = ["agent"]
    date_hierarchy = "day"


@admin.register(ReportingZone)
class ReportingZoneAdmin(ReadOnlyAdmin):
    list_display = ["name", "ready"]


@admin.register(RollupCursor)
class RollupCursorAdmin(ReadOnlyAdmin):
    list_display = ["name", "position"]

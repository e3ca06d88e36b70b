"""Admins set each program's survey policy and words; surveys and answers are read-only records."""

from __future__ import annotations

from django.contrib import admin

from agents.admin import ReadOnlyAdmin
from quality.models import Survey, SurveyOptOut, SurveyPolicy, SurveyResponse, SurveyText


class SurveyTextInline(admin.StackedInline):
    model = SurveyText
    extra = 0


@admin.register(SurveyPolicy)
class SurveyPolicyAdmin(admin.ModelAdmin):
    list_display = ["program", "is_active", "after_calls", "after_tickets", "channel", "delay_minutes", "quiet_days"]
    list_filter = ["is_active", "channel"]
    filter_horizontal = ["wrap_up_codes"]
    inlines = [SurveyTextInline]


@admin.register(Survey)
class SurveyAdmin(ReadOnlyAdmin):
    # "Given up" is the filter an admin watches: the error of the last try is in the reason column.
    list_display = ["id", "program", "status", "channel", "agent", "send_after", "attempts", "sent_at", "reason"]
    list_filter = ["status", "channel", "program"]
    search_fields = ["=id", "=call__id", "reason"]
    exclude = ["nonce"]


@admin.register(SurveyResponse)
class SurveyResponseAdmin(ReadOnlyAdmin):
    list_display = ["id", "program", "score", "channel", "agent", "team", "created_at"]
    list_filter = ["score", "channel", "program"]


@admin.register(SurveyOptOut)
class SurveyOptOutAdmin(admin.ModelAdmin):
    list_display = ["customer", "source", "created_at"]
    raw_id_fields = ["customer"]

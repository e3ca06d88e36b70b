"""Admins set each program's survey policy and words; surveys and answers are read-only records."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin

from agents.admin import ReadOnlyAdmin
from quality.models import Survey, SurveyOptOut, SurveyPolicy, SurveyResponse, SurveyText


class SurveyTextInline(admin.StackedInline):
    model = SurveyText
    extra = 0


class SurveyPolicyForm(forms.ModelForm):
    class Meta:
        model = SurveyPolicy
        fields = "__all__"  # noqa: DJ007 - every setting of the policy is the admin's to set

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        program, codes = cleaned.get("program"), cleaned.get("wrap_up_codes")
        # Invariant 10: a policy names only its own program's wrap-up codes.
        if program is not None and codes and any(code.program_id != program.pk for code in codes):
            self.add_error("wrap_up_codes", "Choose wrap-up codes of this policy's program only.")
        return cleaned


@admin.register(SurveyPolicy)
class SurveyPolicyAdmin(admin.ModelAdmin):
    form = SurveyPolicyForm
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

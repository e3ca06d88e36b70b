"""Admins set each program's survey policy, words and QA sampling; surveys, answers and reviews are read-only
records here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from agents.admin import ReadOnlyAdmin
from quality.models import (
    CalibrationSession,
    Criterion,
    Review,
    ReviewAnswer,
    SamplingPolicy,
    Scorecard,
    ScorecardVersion,
    Survey,
    SurveyOptOut,
    SurveyPolicy,
    SurveyResponse,
    SurveyText,
)


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


# Scorecards are edited on their own page (/qa/scorecards/), which keeps versions; reviews move only through
# their workflow. The admin shows both, and sets each program's sampling.
@admin.register(SamplingPolicy)
class SamplingPolicyAdmin(admin.ModelAdmin):
    list_display = ["program", "is_active", "calls_per_agent", "new_agent_calls", "new_agent_days", "long_call_seconds"]
    list_filter = ["is_active"]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ScorecardVersionInline(ReadOnlyInline):
    model = ScorecardVersion
    readonly_fields = ("number", "note", "created_by", "created_at")
    fields = readonly_fields
    show_change_link = True


class CriterionInline(ReadOnlyInline):
    model = Criterion
    readonly_fields = ("section", "label", "answer_type", "scale_max", "weight", "critical", "auto_rule")
    fields = readonly_fields


class ReviewAnswerInline(ReadOnlyInline):
    model = ReviewAnswer
    readonly_fields = ("criterion", "value", "automatic", "comment")
    fields = readonly_fields


@admin.register(Scorecard)
class ScorecardAdmin(ReadOnlyAdmin):
    list_display = ["name", "program", "is_active", "updated_at"]
    list_filter = ["program", "is_active"]
    inlines = [ScorecardVersionInline]


@admin.register(ScorecardVersion)
class ScorecardVersionAdmin(ReadOnlyAdmin):
    list_display = ["scorecard", "number", "note", "created_at"]
    inlines = [CriterionInline]


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["id", "program", "call", "agent", "reviewer", "status", "score", "failed_critical", "week"]
    list_filter = ["status", "program", "failed_critical"]
    search_fields = ["=id", "=call__id", "agent__username", "reviewer__username"]
    inlines = [ReviewAnswerInline]


@admin.register(CalibrationSession)
class CalibrationSessionAdmin(ReadOnlyAdmin):
    list_display = ["name", "program", "version", "status", "created_at"]
    list_filter = ["status", "program"]

"""Supervisors, managers and admins set campaigns up here; contacts and attempts are records to read."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from agents.admin import ReadOnlyAdmin
from agents.http import signed_in_user
from outbound.models import Attempt, Campaign, CampaignContact
from outbound.services import CAMPAIGN_SETTINGS, campaign_clean, campaign_create, campaign_update


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["program", "name", "script", "windows", "holidays", "max_attempts", "retry_after_minutes",
                  "requires_consent"]  # fmt: skip

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            campaign_clean({k: cleaned.get(k) for k in ("windows", "retry_after_minutes") if k in cleaned})
        except ValidationError as exc:
            for field, problems in exc.message_dict.items():
                self.add_error(field, problems)
        return cleaned


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    """Saved through the services (checked, audited); the status moves on the campaign's page or the API."""

    form = CampaignForm
    list_display = ["name", "program", "status", "max_attempts", "requires_consent", "created_at"]
    list_filter = ["status", "program"]

    def save_model(self, request: HttpRequest, obj: Campaign, form: Any, change: bool) -> None:
        actor = signed_in_user(request)
        settings = {name: form.cleaned_data[name] for name in CAMPAIGN_SETTINGS if name in form.cleaned_data}
        if change:
            campaign_update(actor=actor, campaign=obj, **settings)
        else:
            settings.pop("name", None)
            created = campaign_create(actor=actor, program=form.cleaned_data["program"], name=obj.name, **settings)
            obj.pk = created.pk

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a campaign is finished, never deleted: its attempts are the record of who was called


@admin.register(CampaignContact)
class CampaignContactAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "customer", "phone", "status", "attempts", "next_attempt_at", "last_outcome"]
    list_filter = ["status", "campaign"]
    raw_id_fields = ["customer"]


@admin.register(Attempt)
class AttemptAdmin(ReadOnlyAdmin):
    list_display = ["at", "campaign", "contact", "agent", "outcome"]
    list_filter = ["outcome", "campaign"]

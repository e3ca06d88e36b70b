"""Campaigns, their contacts and the next contact as integrators and agents' tools see them (DESIGN "campaign")."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from agents.selectors import program_list
from config.api.fields import input_request, scope_related
from config.api.serializers import ModelSerializer, Serializer
from outbound.models import Campaign, CampaignContact, CampaignStatus, ContactStatus, Outcome
from outbound.selectors import campaign_progress


class CampaignSerializer(ModelSerializer):
    status = serializers.ChoiceField(
        choices=CampaignStatus.choices, required=False, help_text="PATCH moves it: draft → running ⇄ paused → done"
    )
    calling_window = serializers.JSONField(
        source="windows", required=False, help_text='Local hours per weekday, e.g. {"mon": ["09:00", "18:00"]}'
    )
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = [
            "id", "created_at", "updated_at", "program", "name", "status", "script", "calling_window", "holidays",
            "max_attempts", "retry_after_minutes", "requires_consent", "progress",
        ]  # fmt: skip
        read_only_fields = ["id", "created_at", "updated_at", "progress"]
        validators: list[Any] = []  # the service names a duplicate name

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = input_request(self)
        if request is not None and getattr(request, "user", None) is not None:
            scope_related(self, program=program_list(actor=request.user))

    def get_progress(self, campaign: Campaign) -> dict[str, Any] | None:
        if not self.context.get("with_progress"):
            return None
        progress = campaign_progress(campaign=campaign)
        return {
            "contacts": progress.contacts,
            "by_status": progress.by_status,
            "attempts": progress.attempts,
            "reached_rate": progress.reached_rate,
            "outcomes": progress.outcomes,
            "agents": progress.agents,
        }


class ContactSerializer(ModelSerializer):
    status = serializers.ChoiceField(choices=ContactStatus.choices, read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    assigned_to: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = CampaignContact
        fields = [
            "id", "created_at", "updated_at", "campaign", "customer", "customer_name", "phone", "status", "attempts",
            "next_attempt_at", "assigned_to", "last_outcome", "excluded_because",
        ]  # fmt: skip
        read_only_fields = fields


class ContactInputSerializer(Serializer):
    name = serializers.CharField(max_length=200)
    phone = serializers.CharField(max_length=40)
    time_zone = serializers.CharField(max_length=64, required=False, allow_blank=True)
    language = serializers.CharField(max_length=8, required=False, allow_blank=True)


class ContactListInputSerializer(Serializer):
    contacts = ContactInputSerializer(many=True, allow_empty=False)


class OutcomeInputSerializer(Serializer):
    contact = serializers.IntegerField()
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    call = serializers.IntegerField(required=False, allow_null=True, help_text="The call logged for the attempt")

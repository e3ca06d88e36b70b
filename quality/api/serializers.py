"""Surveys and their answers as integrators see them (DESIGN.md, "survey response")."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agents.models import User
from config.api.fields import input_request, scope_related
from crm.selectors import call_list
from quality.models import POSTED_CHANNELS, Survey, SurveyChannel, SurveyResponse, SurveyStatus
from quality.permissions import can_see_survey_links
from quality.services.surveys import survey_link
from tickets.selectors import ticket_list


class SurveySerializer(serializers.ModelSerializer):
    agent: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(slug_field="username", read_only=True)
    status = serializers.ChoiceField(choices=SurveyStatus.choices, read_only=True)
    channel = serializers.ChoiceField(choices=SurveyChannel.choices, read_only=True)
    score = serializers.SerializerMethodField(help_text="The answer's score (1-5), null until answered.")
    link = serializers.SerializerMethodField(
        help_text="The customer's survey page (no login), for an SMS system to send; integrators and admins only."
    )

    class Meta:
        model = Survey
        fields = [
            "id", "created_at", "updated_at", "program", "customer", "call", "ticket", "agent", "team", "channel",
            "language", "status", "reason", "send_after", "attempts", "sent_at", "expires_at", "answered_at",
            "score", "link",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_score(self, survey: Survey) -> int | None:
        response = getattr(survey, "response", None)
        return response.score if response is not None else None

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_link(self, survey: Survey) -> str | None:
        request = self.context.get("request")
        open_states = (SurveyStatus.PENDING, SurveyStatus.SENT)
        if request is None or not can_see_survey_links(request.user) or survey.status not in open_states:
            return None
        return survey_link(survey)


class SurveyResponseSerializer(serializers.ModelSerializer):
    agent: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(slug_field="username", read_only=True)
    call = serializers.IntegerField(source="survey.call_id", read_only=True, allow_null=True)
    ticket = serializers.IntegerField(source="survey.ticket_id", read_only=True, allow_null=True)
    channel = serializers.ChoiceField(choices=SurveyChannel.choices)

    class Meta:
        model = SurveyResponse
        fields = [
            "id", "created_at", "updated_at", "survey", "program", "call", "ticket", "agent", "team", "score",
            "comment", "channel",
        ]  # fmt: skip
        read_only_fields = fields


class SurveyResponseInputSerializer(serializers.Serializer):
    """An answer collected by IVR or SMS: about a call or a ticket (one of them)."""

    # Nobody's records until the request says whose (``__init__``): an id outside them "does not exist".
    call = serializers.PrimaryKeyRelatedField(
        queryset=call_list(actor=AnonymousUser()), required=False, allow_null=True
    )
    ticket = serializers.PrimaryKeyRelatedField(
        queryset=ticket_list(actor=AnonymousUser()), required=False, allow_null=True
    )
    score = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    channel = serializers.ChoiceField(choices=POSTED_CHANNELS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = input_request(self)
        if request is not None:
            # Ids outside the caller's programs are "does not exist", never a leak.
            scope_related(self, call=call_list(actor=request.user), ticket=ticket_list(actor=request.user))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if bool(attrs.get("call")) == bool(attrs.get("ticket")):
            raise serializers.ValidationError({"call": ["Give either a call or a ticket, not both."]})
        return attrs

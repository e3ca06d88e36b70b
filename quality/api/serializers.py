"""Surveys and their answers as integrators see them (DESIGN.md, "survey response"); scorecards and
quality reviews."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agents.models import User
from config.api.fields import input_request, scope_related
from config.api.serializers import ModelSerializer, Serializer
from crm.permissions import can_hear_call_recording
from crm.selectors import call_list
from quality.models import (
    POSTED_CHANNELS,
    Criterion,
    Review,
    ReviewAnswer,
    ReviewStatus,
    Scorecard,
    ScorecardVersion,
    Survey,
    SurveyChannel,
    SurveyResponse,
    SurveyStatus,
)
from quality.permissions import can_see_survey_links
from quality.services.surveys import survey_link
from tickets.selectors import ticket_list


class SurveySerializer(ModelSerializer):
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


class SurveyResponseSerializer(ModelSerializer):
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


class SurveyResponseInputSerializer(Serializer):
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


# --- Quality reviews -------------------------------------------------------------------------------------


class CriterionSerializer(ModelSerializer):
    class Meta:
        model = Criterion
        fields = [
            "id", "section", "position", "label", "guidance", "answer_type", "scale_max", "weight", "critical",
            "auto_rule", "auto_threshold_seconds",
        ]  # fmt: skip
        read_only_fields = fields


class ScorecardVersionSerializer(ModelSerializer):
    criteria = CriterionSerializer(many=True, read_only=True)

    class Meta:
        model = ScorecardVersion
        fields = ["id", "created_at", "number", "note", "criteria"]
        read_only_fields = fields


class ScorecardSerializer(ModelSerializer):
    versions = ScorecardVersionSerializer(many=True, read_only=True, help_text="Newest first")

    class Meta:
        model = Scorecard
        fields = ["id", "created_at", "updated_at", "program", "name", "is_active", "versions"]
        read_only_fields = fields


class ReviewAnswerSerializer(ModelSerializer):
    section = serializers.CharField(source="criterion.section", read_only=True)
    label = serializers.CharField(source="criterion.label", read_only=True)  # type: ignore[assignment]
    scale_max = serializers.IntegerField(source="criterion.scale_max", read_only=True)
    critical = serializers.BooleanField(source="criterion.critical", read_only=True)
    value = serializers.IntegerField(allow_null=True, read_only=True, help_text="null: not applicable")

    class Meta:
        model = ReviewAnswer
        fields = ["criterion", "section", "label", "scale_max", "critical", "value", "automatic", "comment"]
        read_only_fields = fields


class ReviewSerializer(ModelSerializer):
    agent: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(slug_field="username", read_only=True)
    reviewer: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    decided_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    status = serializers.ChoiceField(choices=ReviewStatus.choices, read_only=True)
    scorecard = serializers.IntegerField(source="version.scorecard_id", read_only=True, allow_null=True)
    version_number = serializers.IntegerField(source="version.number", read_only=True, allow_null=True)
    score = serializers.DecimalField(
        max_digits=5, decimal_places=2, coerce_to_string=False, read_only=True, allow_null=True,
        help_text="Percent of the weighted points (0 when a critical criterion failed); null until submitted",
    )  # fmt: skip
    answers = ReviewAnswerSerializer(many=True, read_only=True)
    recording_url = serializers.SerializerMethodField(
        help_text="The call's recording: QA reviewers, admins and holders of crm.view_call_recording only"
    )

    class Meta:
        model = Review
        fields = [
            "id", "created_at", "updated_at", "program", "call", "agent", "reviewer", "calibration", "status",
            "sampled_because", "week", "scorecard", "version", "version_number", "score", "failed_critical",
            "comment", "answers", "submitted_at", "acknowledged_at", "dispute_reason", "disputed_at", "decided_by",
            "decided_at", "decision", "decision_note", "recording_url",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_recording_url(self, review: Review) -> str | None:
        request = self.context.get("request")
        url = review.call.recording_url
        if not url or request is None or not can_hear_call_recording(request.user, review.call):
            return None
        return url

from __future__ import annotations

from rest_framework import serializers

from agents.models import AgentState, AuditEvent, Notification, Team, User
from config.api.fields import AwareDateTimeField
from config.api.serializers import ModelSerializer, Serializer


class AgentStateSerializer(Serializer):
    """DESIGN "agent state": ``state``, ``reason`` (a break reason code), ``since``."""

    username = serializers.CharField(read_only=True)
    state = serializers.ChoiceField(choices=AgentState.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=40)
    since = serializers.DateTimeField(read_only=True)
    at = AwareDateTimeField(required=False, write_only=True, help_text="When the change happened (default: now)")


class TeamSerializer(ModelSerializer):
    programs: serializers.PrimaryKeyRelatedField[Team] = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Team
        fields = ["id", "name", "slug", "programs", "languages", "skills", "is_active"]
        read_only_fields = fields


class UserSerializer(ModelSerializer):
    teams = serializers.SerializerMethodField(help_text="The ids of the teams the user sits on.")

    class Meta:
        model = User
        fields = [
            "id", "username", "first_name", "last_name", "role", "time_zone", "languages", "skills", "extension",
            "teams", "is_active",
        ]  # fmt: skip
        read_only_fields = fields

    def get_teams(self, user: User) -> list[int]:
        return sorted(membership.team_id for membership in user.memberships.all())


class AuditEventSerializer(ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = ["id", "at", "actor", "actor_label", "action", "object_type", "object_id", "program", "ip_address",
                  "data"]  # fmt: skip
        read_only_fields = fields


class NotificationSerializer(ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "created_at", "kind", "title", "body", "url", "read_at"]
        read_only_fields = fields


class MarkedReadSerializer(Serializer):
    marked = serializers.IntegerField(help_text="How many were unread.")

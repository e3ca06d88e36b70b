from __future__ import annotations

from rest_framework import serializers

from agents.models import AgentState
from config.api.fields import AwareDateTimeField


class AgentStateSerializer(serializers.Serializer):
    """DESIGN "agent state": ``state``, ``reason`` (a break reason code), ``since``."""

    username = serializers.CharField(read_only=True)
    state = serializers.ChoiceField(choices=AgentState.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=40)
    since = serializers.DateTimeField(read_only=True)
    at = AwareDateTimeField(required=False, write_only=True, help_text="When the change happened (default: now)")

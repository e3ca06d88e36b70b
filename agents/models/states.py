"""Agent states: who is free, on a call, wrapping up, on a break or gone; every span is kept for reporting."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from agents.models.people import Program, TimeStamped


class AgentState(models.TextChoices):
    AVAILABLE = "available", "Available"
    ON_CALL = "on_call", "On a call"
    WRAP_UP = "wrap_up", "Wrap-up"
    BREAK = "break", "Break"
    OFFLINE = "offline", "Offline"


class BreakReason(TimeStamped):
    """A program's reason codes for a break (lunch, training, coaching...)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="break_reasons")
    code = models.SlugField(max_length=40)
    label = models.CharField(max_length=80)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["program", "label"]
        constraints = [models.UniqueConstraint(fields=["program", "code"], name="agents_breakreason_program_code")]

    def __str__(self) -> str:
        return self.label


class AgentStateSpan(models.Model):
    """One stretch of time in one state. The open span (``ended_at`` NULL) is the agent's state now.

    A partial unique index allows one open span per agent, so two writers cannot both open one.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="state_spans")
    state = models.CharField(max_length=12, choices=AgentState.choices)
    reason = models.ForeignKey(BreakReason, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    # Who or what made the change: "agent", "call", "telephony", "logout", "idle", "supervisor".
    source = models.CharField(max_length=16, blank=True)
    # The last sign of life from the agent's tabs; the idle sweep sets agents offline from it.
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(ended_at__isnull=True), name="agents_state_one_open_span"
            ),
            models.CheckConstraint(
                condition=models.Q(ended_at__isnull=True) | models.Q(ended_at__gte=models.F("started_at")),
                name="agents_state_span_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(reason__isnull=True) | models.Q(state="break"),
                name="agents_state_reason_only_on_break",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-started_at"], name="agents_state_user_recent"),
            # The occupancy rollup reads the spans that overlap a window (open ones have no end).
            models.Index(fields=["ended_at"], name="agents_state_ended"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.state} since {self.started_at:%H:%M}"

"""The call log."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from agents.models import Program, TimeStamped
from crm.models.customers import Customer


class CallDirection(models.TextChoices):
    INBOUND = "inbound", "Inbound"
    OUTBOUND = "outbound", "Outbound"


class Disposition(models.TextChoices):
    RESOLVED = "resolved", "Resolved"
    FOLLOW_UP = "follow_up", "Follow-up needed"
    TRANSFERRED = "transferred", "Transferred"
    ESCALATED = "escalated", "Escalated"
    VOICEMAIL = "voicemail", "Voicemail"
    NO_ANSWER = "no_answer", "No answer"
    WRONG_NUMBER = "wrong_number", "Wrong number"
    CALLBACK_SCHEDULED = "callback_scheduled", "Callback scheduled"
    ABANDONED = "abandoned", "Abandoned"


class Call(TimeStamped):
    """One call in the log. Telephony upserts by ``external_id``; the agent may log it by hand."""

    # NULL, not "", for calls logged by hand: the unique constraint must ignore them.
    external_id = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001
    direction = models.CharField(max_length=10, choices=CallDirection.choices)
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="calls")
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="calls")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="calls"
    )
    phone_number = models.CharField(max_length=20, blank=True, help_text="The customer's number, E.164")
    dialed_number = models.CharField(max_length=20, blank=True, help_text="The number called, E.164")
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(db_index=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    wait_seconds = models.PositiveIntegerField(default=0)
    talk_seconds = models.PositiveIntegerField(default=0)
    hold_seconds = models.PositiveIntegerField(default=0)
    wrap_up_seconds = models.PositiveIntegerField(default=0)
    disposition = models.CharField(max_length=24, choices=Disposition.choices, blank=True)
    notes = models.TextField(blank=True, max_length=20_000)
    ticket = models.ForeignKey("tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="calls")
    first_contact_resolution = models.BooleanField(default=False)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["program", "external_id"], name="crm_call_external_id_unique"),
        ]
        indexes = [models.Index(fields=["customer", "-started_at"], name="crm_call_customer_recent")]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} call {self.pk}"

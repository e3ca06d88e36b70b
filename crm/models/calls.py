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


class CallState(models.TextChoices):
    """Where a call is in its life; derived from its events, never typed (see ``crm.services.calls``)."""

    RINGING = "ringing", "Ringing"
    CONNECTED = "connected", "Connected"
    ON_HOLD = "on_hold", "On hold"
    WRAP_UP = "wrap_up", "Wrap-up"
    COMPLETED = "completed", "Completed"
    ABANDONED = "abandoned", "Abandoned"
    MISSED = "missed", "Missed"


# States in which the call is still the agent's work: the call bar shows it on every page.
LIVE_STATES = (CallState.RINGING, CallState.CONNECTED, CallState.ON_HOLD, CallState.WRAP_UP)
# States after the conversation: nothing may put the call back on the line.
FINAL_STATES = (CallState.COMPLETED, CallState.ABANDONED, CallState.MISSED)


class CallEventKind(models.TextChoices):
    """What telephony (or the agent's call bar) reports; the order is the order within one instant."""

    QUEUE = "queue", "Queued"
    RING = "ring", "Ringing"
    ANSWER = "answer", "Answered"
    HOLD = "hold", "Held"
    RESUME = "resume", "Resumed"
    TRANSFER = "transfer", "Transferred"
    END = "end", "Ended"
    ABANDON = "abandon", "Abandoned"
    WRAP_UP_DONE = "wrap_up_done", "Wrap-up done"


class WrapUpCode(TimeStamped):
    """A program's own outcome codes; the agent picks one before being available again."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="wrap_up_codes")
    code = models.SlugField(max_length=40)
    label = models.CharField(max_length=80)
    resolves = models.BooleanField(default=False, help_text="Suggests first-contact resolution when chosen")
    is_active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["program", "position", "label"]
        constraints = [models.UniqueConstraint(fields=["program", "code"], name="crm_wrapupcode_program_code")]

    def __str__(self) -> str:
        return self.label


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
    started_at = models.DateTimeField()
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
    # The live lifecycle (DESIGN "call (live)"): replayed from CallEvent rows on every event.
    state = models.CharField(max_length=12, choices=CallState.choices, default=CallState.COMPLETED)
    wrap_up_code = models.ForeignKey(WrapUpCode, null=True, blank=True, on_delete=models.PROTECT, related_name="calls")
    wrap_up_done_at = models.DateTimeField(null=True, blank=True)
    transferred = models.BooleanField(default=False)
    # The agent's notes while talking, saved every few seconds; becomes ``notes`` at wrap-up.
    notes_draft = models.TextField(blank=True, max_length=20_000)
    # Where telephony keeps the call's audio. Read by QA reviewers and those granted the permission below
    # (crm.permissions.can_hear_call_recording); the API hides it from everyone else.
    recording_url = models.URLField(max_length=500, blank=True, db_default="")

    class Meta:
        ordering = ["-started_at", "-id"]
        permissions = [("view_call_recording", "Can read call recording links")]
        constraints = [
            models.UniqueConstraint(fields=["program", "external_id"], name="crm_call_external_id_unique"),
        ]
        indexes = [
            models.Index(fields=["customer", "-started_at"], name="crm_call_customer_recent"),
            # The API list's keyset orders (config.api.pagination): each page is an index range.
            models.Index(fields=["started_at", "id"], name="crm_call_started"),
            models.Index(fields=["updated_at", "id"], name="crm_call_updated"),
            # An agent's calls in a range (the dashboard's drill-down from a team to an agent's calls).
            models.Index(fields=["agent", "started_at"], name="crm_call_agent_started"),
            # The call bar asks "which live call is mine?" on every page: only live rows are indexed.
            models.Index(
                fields=["agent", "-started_at"],
                name="crm_call_agent_live",
                condition=models.Q(state__in=["ringing", "connected", "on_hold", "wrap_up"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} call {self.pk}"


class CallEvent(models.Model):
    """One telephony event as received; a call's timestamps and state are replayed from these.

    Unique per (call, event, at): a resent event is the same row, so telephony may retry freely.
    """

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="events")
    event = models.CharField(max_length=16, choices=CallEventKind.choices)
    at = models.DateTimeField()
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["call", "event", "at"], name="crm_callevent_once")]

    def __str__(self) -> str:
        return f"{self.event} at {self.at:%H:%M:%S}"

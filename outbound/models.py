"""Outbound campaigns: who to call for a program, when, how often, and what came of each attempt."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from agents.models import Program, TimeStamped
from crm.models import Call, Customer


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    RUNNING = "running", "Running"
    PAUSED = "paused", "Paused"
    DONE = "done", "Done"


CAMPAIGN_TRANSITIONS: dict[str, frozenset[str]] = {
    CampaignStatus.DRAFT: frozenset({CampaignStatus.RUNNING, CampaignStatus.DONE}),
    CampaignStatus.RUNNING: frozenset({CampaignStatus.PAUSED, CampaignStatus.DONE}),
    CampaignStatus.PAUSED: frozenset({CampaignStatus.RUNNING, CampaignStatus.DONE}),
    CampaignStatus.DONE: frozenset(),
}


class Outcome(models.TextChoices):
    """What came of an attempt. The first three reached the customer."""

    SUCCESS = "success", "Reached: done what we called for"
    REFUSED = "refused", "Reached: not interested"
    CALLBACK = "callback", "Reached: call back later"
    NO_ANSWER = "no_answer", "No answer"
    BUSY = "busy", "Busy"
    VOICEMAIL = "voicemail", "Voicemail"
    WRONG_NUMBER = "wrong_number", "Wrong number"
    DO_NOT_CALL = "do_not_call", "Asked not to be called"


REACHED = frozenset({Outcome.SUCCESS, Outcome.REFUSED, Outcome.CALLBACK, Outcome.DO_NOT_CALL})
# Outcomes that close the contact; the others are tried again after the campaign's delay for them.
CLOSING = frozenset({Outcome.SUCCESS, Outcome.REFUSED, Outcome.WRONG_NUMBER, Outcome.DO_NOT_CALL})
# Minutes before the next attempt when the campaign does not say.
DEFAULT_RETRY_MINUTES = {
    Outcome.CALLBACK: 24 * 60,
    Outcome.NO_ANSWER: 4 * 60,
    Outcome.BUSY: 30,
    Outcome.VOICEMAIL: 24 * 60,
}


class Campaign(TimeStamped):
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="campaigns")
    name = models.CharField(max_length=120)
    status = models.CharField(max_length=8, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    script = models.ForeignKey(
        "knowledge.Article", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The call script agents follow",
    )  # fmt: skip
    # Local hours per weekday ({"mon": ["09:00", "18:00"], ...}), within the program's calling hours.
    windows = models.JSONField(default=dict, help_text='e.g. {"mon": ["09:00", "18:00"]}; empty: the program\'s hours')
    holidays = ArrayField(models.DateField(), default=list, blank=True)
    max_attempts = models.PositiveSmallIntegerField(default=3, validators=[MinValueValidator(1), MaxValueValidator(20)])
    # {"no_answer": 240, "busy": 30, ...}; an outcome not named waits DEFAULT_RETRY_MINUTES.
    retry_after_minutes = models.JSONField(default=dict, blank=True)
    requires_consent = models.BooleanField(
        default=False, help_text="Call only customers whose latest word on outbound calls is a grant"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="outbound_campaign_name_once"),
            models.CheckConstraint(condition=Q(max_attempts__gte=1), name="outbound_campaign_attempts"),
        ]

    def __str__(self) -> str:
        return self.name


class ContactStatus(models.TextChoices):
    WAITING = "waiting", "Waiting for its next attempt"
    ASSIGNED = "assigned", "With an agent"
    DONE = "done", "Done"
    EXHAUSTED = "exhausted", "Attempts used up"
    EXCLUDED = "excluded", "Excluded by a calling rule"


class CampaignContact(TimeStamped):
    """One customer to call in a campaign, at one number."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="contacts")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="campaign_contacts")
    phone = models.CharField(max_length=20, help_text="E.164")
    status = models.CharField(max_length=10, choices=ContactStatus.choices, default=ContactStatus.WAITING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    last_outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    excluded_because = models.CharField(max_length=20, blank=True, help_text="The calling rule that excluded it")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "customer"], name="outbound_contact_once"),
            models.CheckConstraint(
                condition=Q(status="assigned", assigned_to__isnull=False) | ~Q(status="assigned"),
                name="outbound_contact_assigned",
            ),
        ]
        indexes = [
            # The next contact: a campaign's waiting contacts whose time has come, the longest waiting first.
            models.Index(
                fields=["campaign", "next_attempt_at", "id"], condition=Q(status="waiting"), name="outbound_next"
            ),
            models.Index(fields=["assigned_to", "campaign"], condition=Q(status="assigned"), name="outbound_assigned"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} in {self.campaign_id} ({self.status})"


class Attempt(models.Model):
    contact = models.ForeignKey(CampaignContact, on_delete=models.CASCADE, related_name="attempt_log")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="attempts")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    call = models.ForeignKey(Call, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    note = models.TextField(blank=True, max_length=2000)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["campaign", "agent"], name="outbound_attempt_agent")]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({self.contact_id})"

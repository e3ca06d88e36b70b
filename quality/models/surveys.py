"""Customer-satisfaction surveys: each program's policy, the surveys owed and sent, and the answers."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from agents.models import Program, Team, TimeStamped
from crm.models import Call, Customer, WrapUpCode
from tickets.models import Ticket


class SurveyChannel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "SMS"
    IVR = "ivr", "IVR (phone)"
    WEB = "web", "Web page"


# What a policy may send by: email is sent here; SMS and IVR surveys are run by an integrator, which posts
# the answers to the API.
POLICY_CHANNELS = [(c.value, c.label) for c in (SurveyChannel.EMAIL, SurveyChannel.SMS, SurveyChannel.IVR)]
# What an integrator may say an answer came by (the web page's answers are the page's own).
POSTED_CHANNELS = [(c.value, c.label) for c in (SurveyChannel.IVR, SurveyChannel.SMS, SurveyChannel.EMAIL)]


class SurveyPolicy(TimeStamped):
    """When a program asks its customers, how, and how often at most. Set by admins."""

    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="survey_policy")
    is_active = models.BooleanField(default=True)
    after_calls = models.BooleanField(default=True, help_text="Survey answered calls once they are completed.")
    wrap_up_codes = models.ManyToManyField(
        WrapUpCode, blank=True, related_name="+", help_text="Only calls closed with one of these codes (none: any)."
    )
    after_tickets = models.BooleanField(default=False, help_text="Survey tickets when they are resolved.")
    channel = models.CharField(max_length=8, choices=POLICY_CHANNELS, default=SurveyChannel.EMAIL)
    delay_minutes = models.PositiveIntegerField(default=60, help_text="Wait this long after the call or ticket.")
    quiet_days = models.PositiveSmallIntegerField(
        default=30, help_text="Ask no customer more than once in this many days."
    )
    include_vulnerable = models.BooleanField(
        default=False, help_text="Also ask customers flagged vulnerable (they are left out by default)."
    )
    link_valid_days = models.PositiveSmallIntegerField(
        default=7, validators=[MinValueValidator(1)], help_text="The link in the email works this many days."
    )
    max_attempts = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(1)], help_text="Give up sending after this many failed tries."
    )
    default_language = models.CharField(
        max_length=8, default="en", help_text="Used when the customer's language has no text below."
    )

    class Meta:
        verbose_name_plural = "survey policies"
        constraints = [
            models.CheckConstraint(condition=Q(link_valid_days__gte=1), name="quality_policy_link_days"),
            models.CheckConstraint(condition=Q(max_attempts__gte=1), name="quality_policy_attempts"),
        ]

    def __str__(self) -> str:
        return f"Survey policy of {self.program}"


class SurveyText(TimeStamped):
    """The survey's words in one language."""

    policy = models.ForeignKey(SurveyPolicy, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(max_length=8, help_text="e.g. en, es, fr")
    subject = models.CharField(max_length=150, help_text="The email's subject")
    question = models.CharField(max_length=300, help_text="Asked with a 1-5 scale")
    comment_label = models.CharField(max_length=200, help_text="Above the optional comment box")
    thanks = models.CharField(max_length=300, help_text="Shown once the answer is in")

    class Meta:
        ordering = ["policy", "language"]
        constraints = [models.UniqueConstraint(fields=["policy", "language"], name="quality_text_once")]

    def __str__(self) -> str:
        return f"{self.policy.program} ({self.language})"


class SurveyStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    ANSWERED = "answered", "Answered"
    CANCELLED = "cancelled", "Not sent"
    FAILED = "failed", "Given up"


class Survey(TimeStamped):
    """One customer asked once about one call or one ticket: the outbox row written with the event that owes
    it, then the record of its sending and its answer."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="surveys")
    call = models.ForeignKey(Call, null=True, blank=True, on_delete=models.SET_NULL, related_name="surveys")
    ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="surveys")
    # Who the answer is about: the call's agent, or the ticket's assignee, and that agent's team.
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The moment the metrics count the answer at (docs/metrics.md): the call's start, the ticket's resolution.
    attributed_at = models.DateTimeField()
    channel = models.CharField(max_length=8, choices=SurveyChannel.choices)
    language = models.CharField(max_length=8)
    status = models.CharField(max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.PENDING)
    reason = models.CharField(max_length=300, blank=True, help_text="Why it was not sent, or the last error")
    send_after = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="The link stops working then")
    answered_at = models.DateTimeField(null=True, blank=True)
    # Part of the signed link: a link of a survey is worth nothing once the nonce changes.
    nonce = models.CharField(max_length=32)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One survey per call and per ticket, however often its events repeat (a retry, a reopened ticket).
            models.UniqueConstraint(fields=["call"], condition=Q(call__isnull=False), name="quality_survey_call_once"),
            models.UniqueConstraint(
                fields=["ticket"], condition=Q(ticket__isnull=False), name="quality_survey_ticket_once"
            ),
        ]
        indexes = [
            models.Index(fields=["send_after"], condition=Q(status="pending"), name="quality_survey_due"),
            models.Index(fields=["customer", "-created_at"], name="quality_survey_customer"),
            models.Index(fields=["created_at", "id"], name="quality_survey_created"),
        ]

    def __str__(self) -> str:
        about = f"call {self.call_id}" if self.call_id else f"ticket {self.ticket_id}"
        return f"Survey {self.pk} about {about} ({self.status})"


class SurveyResponse(TimeStamped):
    """The customer's answer. Carries the survey's program, agent, team and moment, so the metrics read it
    without joining back to calls and tickets."""

    survey = models.OneToOneField(Survey, on_delete=models.CASCADE, related_name="response")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    attributed_at = models.DateTimeField()
    score = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(blank=True, max_length=2000)
    channel = models.CharField(max_length=8, choices=SurveyChannel.choices)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="quality_response_score_1_5")
        ]
        indexes = [
            # The metrics rollup reads a program's answers by interval.
            models.Index(fields=["program", "attributed_at"], name="quality_response_program_at"),
            models.Index(fields=["created_at", "id"], name="quality_response_created"),
        ]

    def __str__(self) -> str:
        return f"{self.score}/5 for survey {self.survey_id}"


class SurveyOptOut(models.Model):
    """A customer who asked not to be surveyed again (from a survey's page, or an agent on their behalf)."""

    customer = models.OneToOneField(Customer, on_delete=models.CASCADE, related_name="survey_opt_out")
    created_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=8, choices=SurveyChannel.choices)

    def __str__(self) -> str:
        return f"Customer {self.customer_id} opted out of surveys"

"""Outbound compliance: the consent ledger, do-not-call lists and each program's calling hours
(DESIGN.md invariant 12; the rule itself lives in ``crm.services.outbound``)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone

from agents.models import Program, TimeStamped
from crm.models.customers import Customer


class ConsentPurpose(models.TextChoices):
    OUTBOUND_CALLS = "outbound_calls", "Outbound calls"
    MARKETING = "marketing", "Marketing"
    SMS = "sms", "Text messages"


class ConsentChannel(models.TextChoices):
    PHONE = "phone", "On a call"
    WEB = "web", "Web form"
    EMAIL = "email", "Email"
    PAPER = "paper", "Signed form"
    IMPORT = "import", "Imported list"
    API = "api", "Another system (API)"


class ConsentRecord(models.Model):
    """One grant or withdrawal of consent, never changed afterwards (a trigger refuses it): the proof a
    regulator asks for. The current state of a purpose is its latest record."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="consents")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=20, choices=ConsentPurpose.choices)
    granted = models.BooleanField(help_text="Granted (true) or withdrawn (false)")
    channel = models.CharField(max_length=10, choices=ConsentChannel.choices)
    source = models.CharField(max_length=200, help_text="Where it came from: a form's name, a call, a file")
    # Who or what recorded it, kept as text too so the proof survives the user's removal.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by_label = models.CharField(max_length=150)
    at = models.DateTimeField(default=timezone.now, help_text="When the customer gave or withdrew it")
    created_at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["customer", "purpose", "-at", "-id"], name="crm_consent_latest")]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {'granted' if self.granted else 'withdrawn'} ({self.customer_id})"


class DoNotCallSource(models.TextChoices):
    CUSTOMER = "customer", "The customer asked"
    REGISTRY = "registry", "National registry"
    CLIENT = "client", "The client's list"
    IMPORT = "import", "Imported file"


class DoNotCallEntry(TimeStamped):
    """A number nobody may call: on one program's list, or on the shared list every program honours."""

    program = models.ForeignKey(
        Program, null=True, blank=True, on_delete=models.CASCADE, related_name="do_not_call_entries",
        help_text="Empty: the shared list of every program",
    )  # fmt: skip
    number = models.CharField(max_length=20, help_text="E.164, e.g. +14155550100")
    source = models.CharField(max_length=10, choices=DoNotCallSource.choices)
    added_on = models.DateField(default=timezone.localdate, help_text="The date the list says")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "do-not-call entries"
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["program", "number"], nulls_distinct=False, name="crm_dnc_once"),
            models.CheckConstraint(condition=Q(number__startswith="+"), name="crm_dnc_e164"),
        ]
        indexes = [models.Index(fields=["number"], name="crm_dnc_number")]

    def __str__(self) -> str:
        return f"{self.number} ({self.program or 'shared'})"


class CallingHours(TimeStamped):
    """When a program may call its customers, in the customer's local time: a window per weekday (none: not
    that day) and holidays. Campaigns may narrow it, never widen it."""

    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="calling_hours")
    # {"mon": ["09:00", "20:00"], ...}: a missing day is a day without calls.
    windows = models.JSONField(default=dict, help_text='e.g. {"mon": ["09:00", "20:00"], "sat": ["10:00", "14:00"]}')
    holidays = ArrayField(models.DateField(), default=list, blank=True)

    class Meta:
        verbose_name_plural = "calling hours"

    def __str__(self) -> str:
        return f"Calling hours of {self.program}"

"""Customers, their contact points, notes, and the access log."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import Q
from django.db.models.functions import Reverse

from agents.models import Program, TimeStamped, validate_time_zone


class Organization(TimeStamped):
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="organizations")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["program", "name"], name="crm_organization_unique_name")]
        indexes = [GinIndex(fields=["name"], opclasses=["gin_trgm_ops"], name="crm_org_name_trgm")]

    def __str__(self) -> str:
        return self.name


class Customer(TimeStamped):
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="customers")
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="customers"
    )
    name = models.CharField(max_length=200)
    preferred_language = models.CharField(max_length=8, default="en")
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    preferred_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="preferred_by"
    )
    tags = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    vip = models.BooleanField(default=False)
    marketing_consent = models.BooleanField(default=False)
    do_not_call = models.BooleanField(default=False)
    # Retention and erasure never touch a customer under legal hold.
    legal_hold = models.BooleanField(default=False)
    last_activity_at = models.DateTimeField(null=True, blank=True, db_index=True)
    erased_at = models.DateTimeField(null=True, blank=True)
    # A duplicate folded into another record (crm.services.merge): everything it had moved there, and its id
    # answers with where it went.
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from")
    merged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["program", "name"], name="crm_customer_program_name"),
            # Typo-tolerant, as-you-type name search (pg_trgm).
            GinIndex(fields=["name"], opclasses=["gin_trgm_ops"], name="crm_customer_name_trgm"),
            # The API list's keyset orders (config.api.pagination): each page is an index range.
            models.Index(fields=["name", "id"], name="crm_customer_name_id"),
            models.Index(fields=["updated_at", "id"], name="crm_customer_updated"),
            models.Index(fields=["created_at", "id"], name="crm_customer_created"),
        ]

    def __str__(self) -> str:
        return self.name


class CustomerPhone(TimeStamped):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(max_length=20, db_index=True, help_text="E.164")
    label = models.CharField(max_length=30, blank=True)
    is_primary = models.BooleanField(default=False)

    class Meta:
        ordering = ["-is_primary", "id"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "number"], name="crm_phone_unique_per_customer"),
            models.UniqueConstraint(fields=["customer"], condition=Q(is_primary=True), name="crm_phone_one_primary"),
        ]
        # "Ends with 0100": a prefix scan over the reversed number.
        indexes = [models.Index(OpClass(Reverse("number"), name="text_pattern_ops"), name="crm_phone_reversed")]

    def __str__(self) -> str:
        return self.number


class CustomerEmail(TimeStamped):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="emails")
    address = models.EmailField(max_length=254, db_index=True)
    is_primary = models.BooleanField(default=False)

    class Meta:
        ordering = ["-is_primary", "id"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "address"], name="crm_email_unique_per_customer"),
            models.UniqueConstraint(fields=["customer"], condition=Q(is_primary=True), name="crm_email_one_primary"),
        ]

    def __str__(self) -> str:
        return self.address


class NoteFlag(models.TextChoices):
    NONE = "", "No flag"
    CAUTION = "caution", "Caution"
    DIFFICULT = "difficult", "Difficult"
    VIP = "vip", "VIP"
    VULNERABLE = "vulnerable", "Vulnerable customer"


class Note(TimeStamped):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(max_length=20_000)
    flag = models.CharField(max_length=16, choices=NoteFlag.choices, blank=True, default=NoteFlag.NONE)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "-created_at"], name="crm_note_customer_recent"),
            models.Index(fields=["customer"], condition=~Q(flag=""), name="crm_note_flagged"),
        ]

    def __str__(self) -> str:
        return f"Note {self.pk} on customer {self.customer_id}"


class CustomerAccess(models.Model):
    """Who opened which customer record, when: one insert per view, read by admins."""

    class Via(models.TextChoices):
        WEB = "web", "Web page"
        API = "api", "API"

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    via = models.CharField(max_length=3, choices=Via.choices, default=Via.WEB, db_default=Via.WEB)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["customer", "-at"], name="crm_access_customer_recent")]
        verbose_name_plural = "customer accesses"

    def __str__(self) -> str:
        return f"{self.user_id} viewed {self.customer_id} at {self.at:%Y-%m-%d %H:%M}"

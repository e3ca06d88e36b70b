"""Retention policies and data-subject requests (export, erasure)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from agents.models import TimeStamped
from crm.models.customers import Customer


class RetentionPolicy(TimeStamped):
    class Target(models.TextChoices):
        CALL_NOTES = "call_notes", "Call notes"
        CLOSED_TICKETS = "closed_tickets", "Closed tickets and their comments"
        NOTES = "notes", "Customer notes"
        ACCESS_LOG = "access_log", "Customer access log"
        NOTIFICATIONS = "notifications", "Read notifications"
        AUDIT_EVENTS = "audit_events", "Audit events"
        INACTIVE_CUSTOMERS = "inactive_customers", "Customers with no activity"
        SURVEY_COMMENTS = "survey_comments", "Survey answers' comments (scores are kept)"

    class Action(models.TextChoices):
        DELETE = "delete", "Delete"
        ANONYMIZE = "anonymize", "Anonymize"

    target = models.CharField(max_length=20, choices=Target.choices, unique=True)
    keep_days = models.PositiveIntegerField()
    action = models.CharField(max_length=10, choices=Action.choices, default=Action.DELETE)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["target"]
        verbose_name_plural = "retention policies"

    def __str__(self) -> str:
        return f"{self.get_target_display()}: {self.get_action_display().lower()} after {self.keep_days} days"


class DataRequest(TimeStamped):
    """A data subject's request: a JSON export (right of access) or an erasure (right to be forgotten)."""

    class Kind(models.TextChoices):
        EXPORT = "export", "Export"
        ERASURE = "erasure", "Erasure"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"
        REFUSED = "refused", "Refused (legal hold)"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="data_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField(blank=True, max_length=10_000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    due_at = models.DateTimeField(help_text="Erasure runs after the grace period; export at once.")
    completed_at = models.DateTimeField(null=True, blank=True)
    export = models.JSONField(null=True, blank=True)
    export_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "due_at"], name="crm_datarequest_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for customer {self.customer_id} ({self.status})"

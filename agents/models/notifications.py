"""In-app notifications."""

from __future__ import annotations

from django.db import models

from agents.models.people import TimeStamped, User


class Notification(TimeStamped):
    """An in-app message to one user (and an email when configured).

    ``dedupe_key`` is unique: a reminder, warning or decision notice that two
    workers both try to send is stored once (DESIGN.md invariant 2).
    """

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, max_length=10_000)
    url = models.CharField(max_length=300, blank=True)
    dedupe_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # The email outbox: set with the notification, cleared when the email went (or cannot go).
    email_pending = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"], name="agents_notif_inbox"),
            models.Index(fields=["created_at"], condition=models.Q(email_pending=True), name="agents_notif_email_due"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}: {self.title}"

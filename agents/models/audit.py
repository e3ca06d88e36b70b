"""The append-only audit log."""

from __future__ import annotations

from django.db import models

from agents.models.people import Program, User


class AuditEvent(models.Model):
    """Append-only: who did what, when, from where, to which object. Never customer PII.

    A database trigger (migration 0002) refuses UPDATE and DELETE; only the
    retention job may delete, after setting ``switchboard.retention`` locally.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # Survives a renamed user and names system actors ("system", "celery").
    actor_label = models.CharField(max_length=150)
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    program = models.ForeignKey(Program, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="agents_audit_object_idx"),
            # The API's keyset pages (a SIEM following the log): each page an index range.
            models.Index(fields=["at", "id"], name="agents_audit_at_id"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action}"

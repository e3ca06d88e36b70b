"""API tokens (shown once, stored hashed) and the idempotency records of retried POSTs."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from agents.models.people import TimeStamped


class ApiToken(TimeStamped):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    # The first characters, to recognise a token in lists and logs; the secret itself is never stored.
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class IdempotencyRecord(models.Model):
    """The first response to a POST with an ``Idempotency-Key``, replayed to retries for 24 hours."""

    scope = models.CharField(max_length=64, help_text="Who sent it: a hash of the token or the session's user.")
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64, help_text="Hash of method, path and body.")
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.BinaryField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="agents_idempotency_unique")]

    def __str__(self) -> str:
        return f"{self.key} ({self.status_code or 'in progress'})"

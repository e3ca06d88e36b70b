"""Canned replies and note templates: text agents insert instead of retyping it, per program or per team."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from agents.models import Program, Team, TimeStamped

# What a template may say in braces, filled in where it is inserted (crm.selectors.canned_texts).
PLACEHOLDERS = {
    "customer_name": "The customer's name",
    "customer_first_name": "The customer's first name",
    "ticket_number": "The ticket's number (on a ticket)",
    "agent_name": "Your name",
    "agent_first_name": "Your first name",
    "program": "The program's name",
}
PLACEHOLDER = re.compile(r"\{(\w+)\}")


class CannedText(TimeStamped):
    class Kind(models.TextChoices):
        REPLY = "reply", "Reply to the customer"
        NOTE = "note", "Note"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="canned_texts")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="canned_texts",
        help_text="Empty: every team of the program",
    )  # fmt: skip
    kind = models.CharField(max_length=5, choices=Kind.choices, default=Kind.REPLY)
    title = models.CharField(max_length=120)
    body = models.TextField(
        max_length=5000,
        help_text="Placeholders: " + ", ".join(f"{{{name}}}" for name in PLACEHOLDERS),
    )
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.UniqueConstraint(fields=["program", "team", "kind", "title"], nulls_distinct=False,
                                    name="crm_canned_unique_title"),
        ]  # fmt: skip
        indexes = [models.Index(fields=["program", "kind"], name="crm_canned_program_kind")]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        unknown = sorted({name for name in PLACEHOLDER.findall(self.body) if name not in PLACEHOLDERS})
        if unknown:
            known = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
            raise ValidationError({"body": [f"Unknown placeholder {', '.join(unknown)}: use {known}."]})
        team = self.team if self.team_id else None
        if team is not None and self.program_id and not team.programs.filter(pk=self.program_id).exists():
            raise ValidationError({"team": ["This team does not serve the program."]})

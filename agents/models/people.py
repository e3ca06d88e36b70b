"""People and organisation: users and roles, teams, programs."""

from __future__ import annotations

import zoneinfo

from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"'{value}' is not a known time zone (use a name such as Europe/Paris).")


class TimeStamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        abstract = True


class Role(models.TextChoices):
    AGENT = "agent", "Agent"
    SUPERVISOR = "supervisor", "Supervisor"
    MANAGER = "manager", "Manager"
    KNOWLEDGE_MANAGER = "knowledge_manager", "Knowledge manager"
    QA_REVIEWER = "qa_reviewer", "QA reviewer"
    ADMIN = "admin", "Administrator"
    INTEGRATOR = "integrator", "Integrator"


class Program(TimeStamped):
    """A client company or brand the center serves; every record belongs to one."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    # Region used to read national phone numbers (ISO 3166-1 alpha-2).
    default_region = models.CharField(max_length=2, default="US")
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    is_active = models.BooleanField(default=True)
    # Where a ticket goes when neither its category nor the customer's preferred agent says.
    default_team = models.ForeignKey(
        "Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", help_text="Serves this program"
    )
    # Set by the database alone: every change of this row or of its settings (SLA policies, business hours,
    # survey policy, webhook subscriptions) adds one, in the changing transaction. A process keeps such
    # settings in memory for as long as the program it reads carries the version they were read at
    # (``agents.settings_cache``).
    config_version = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProgramPhoneNumber(TimeStamped):
    """An inbound number customers dial; the dialed number tells which program answers."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="phone_numbers")
    number = models.CharField(max_length=20, unique=True, help_text="E.164, e.g. +14155550100")
    label = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number} ({self.program})"


class User(AbstractUser):
    role = models.CharField(max_length=32, choices=Role.choices, default=Role.AGENT, db_index=True)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    languages = ArrayField(
        models.CharField(max_length=8), default=list, blank=True, help_text="Language codes, e.g. en, es"
    )
    # Skills the agent is trained for, e.g. billing, technical (routing: tickets and callbacks needing them).
    skills = ArrayField(
        models.SlugField(max_length=40), default=list, blank=True, help_text="Skill codes, e.g. billing, technical"
    )
    extension = models.CharField("telephony extension", max_length=16, blank=True)
    # Integrators and managers may serve programs without sitting on a team.
    programs = models.ManyToManyField(Program, blank=True, related_name="direct_users")

    class Meta:
        ordering = ["username"]
        constraints = [
            models.UniqueConstraint(Lower("username"), name="agents_user_username_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Team(TimeStamped):
    """A queue of people; serves one or more programs and is led by its supervisors."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    programs = models.ManyToManyField(Program, related_name="teams")
    members = models.ManyToManyField(User, through="Membership", related_name="teams")
    is_active = models.BooleanField(default=True)
    # What the team serves: work in one of its languages, or needing its skills, is routed here first.
    languages = ArrayField(
        models.CharField(max_length=8), default=list, blank=True, help_text="Language codes, e.g. en, es"
    )
    skills = ArrayField(models.SlugField(max_length=40), default=list, blank=True, help_text="e.g. billing")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(TimeStamped):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    is_supervisor = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="agents_membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}" + (" (supervisor)" if self.is_supervisor else "")

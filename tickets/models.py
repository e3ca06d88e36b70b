"""Tickets, their categories (which route to teams), SLA policies and follow-ups."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import models
from django.db.models import F

from agents.models import Program, Team, TimeStamped
from tickets.numbers import next_ticket_number


class Priority(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


class Channel(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    CHAT = "chat", "Chat"
    WEB = "web", "Web"
    API = "api", "API"


class Category(TimeStamped):
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="ticket_categories")
    name = models.CharField(max_length=120)
    # New tickets of this category go to this team's queue.
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="categories")
    # Skills an agent needs for this kind of work (routing assigns only agents who have them all).
    skills = ArrayField(models.SlugField(max_length=40), default=list, blank=True, help_text="e.g. billing")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"
        constraints = [models.UniqueConstraint(fields=["program", "name"], name="tickets_category_unique_name")]

    def __str__(self) -> str:
        return self.name


# What the ticket search reads (tickets.selectors.ticket_search), each served by a GIN index of the
# same expression: the subject weighs more than the description; comments are searched apart.
SEARCH_CONFIG = "english"
TICKET_SEARCH_VECTOR = SearchVector("subject", weight="A", config=SEARCH_CONFIG) + SearchVector(
    "description", weight="B", config=SEARCH_CONFIG
)
COMMENT_SEARCH_VECTOR = SearchVector("body", config=SEARCH_CONFIG)

# A ticket in one of these is work still to do: queues, "my tickets", the SLA clock.
OPEN_STATUSES = frozenset({"new", "open", "pending_customer", "on_hold"})
_OPEN = models.Q(status__in=sorted(OPEN_STATUSES))


class Ticket(TimeStamped):
    class Status(models.TextChoices):
        NEW = "new", "New"
        OPEN = "open", "Open"
        PENDING_CUSTOMER = "pending_customer", "Pending customer"
        ON_HOLD = "on_hold", "On hold"
        RESOLVED = "resolved", "Resolved"
        CLOSED = "closed", "Closed"

    # Human-readable, e.g. SB-10432, from a database sequence (the column's default).
    number = models.CharField(max_length=20, unique=True, db_default=next_ticket_number())
    subject = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=20_000)
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="tickets")
    customer = models.ForeignKey(
        "crm.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets")
    # Every ticket is in a team's queue (NOT NULL): routing always finds one or refuses (tickets.services).
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="tickets")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_tickets"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.PHONE)
    tags = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    # The conversation's language (routing: an agent who speaks it); the customer's when not given.
    language = models.CharField(max_length=8, blank=True, default="", db_default="")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW, db_index=True)
    # Due times of the targets not yet met; both empty while the SLA clock is paused (waiting on the customer).
    first_response_due = models.DateTimeField(null=True, blank=True)
    # Stamped by the SLA beat task, once (DESIGN.md: warnings are sent once each).
    sla_breached_at = models.DateTimeField(null=True, blank=True)
    resolution_due = models.DateTimeField(null=True, blank=True)
    first_responded_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The SLA clock (tickets.services.sla): paused since when, and how much clock time it was paused before.
    sla_paused_at = models.DateTimeField(null=True, blank=True)
    sla_paused = models.DurationField(default=timedelta(0), db_default=timedelta(0))

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "status"], name="tickets_customer_status"),
            models.Index(fields=["team", "status", "resolution_due"], name="tickets_queue"),
            models.Index(fields=["assignee", "status"], name="tickets_assignee_status"),
            # Each list's order, so a page is read in order and stops (no sort of every matching ticket):
            # the API's newest first; a team's open work, unassigned first then by due time; my open work by due.
            models.Index(F("created_at").desc(), F("id").desc(), name="tickets_newest"),
            models.Index(fields=["updated_at", "id"], name="tickets_updated"),
            # The metrics rollup counts the tickets resolved in an interval.
            models.Index(
                fields=["program", "resolved_at"],
                name="tickets_resolved",
                condition=models.Q(resolved_at__isnull=False),
            ),
            GinIndex(TICKET_SEARCH_VECTOR, name="tickets_search"),
            # Typo tolerance: subjects that look like the words typed (pg_trgm).
            GinIndex(fields=["subject"], opclasses=["gin_trgm_ops"], name="tickets_subject_trgm"),
            models.Index(
                F("team"),
                F("assignee").asc(nulls_first=True),
                F("resolution_due").asc(nulls_last=True),
                F("id"),
                name="tickets_team_open_order",
                condition=_OPEN,
            ),
            models.Index(
                F("assignee"),
                F("resolution_due").asc(nulls_last=True),
                F("id"),
                name="tickets_mine_order",
                condition=_OPEN,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"


class QueueCount(models.Model):
    """How many open tickets a team holds, per assignee (NULL: nobody yet) and status.

    Kept by database triggers (migration 0008) in the transaction that inserts, changes or deletes the
    ticket, whatever wrote it (a service, a bulk seed, a retention purge), so a queue page reads a few
    counter rows instead of counting a team's tickets. Only open statuses are counted.
    """

    # No foreign-key constraints: a counter must never stop a team or a user from being deleted, and a
    # row left for one that is gone reads as nothing.
    team = models.ForeignKey(Team, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Ticket.Status.choices)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["team", "assignee", "status"], nulls_distinct=False, name="tickets_queuecount_unique"
            )
        ]

    def __str__(self) -> str:
        return f"team {self.team_id} / {self.assignee_id or 'unassigned'} / {self.status}: {self.n}"


# Allowed status changes. Reopening a resolved ticket is allowed; a closed one is final.
TRANSITIONS: dict[str, frozenset[str]] = {
    Ticket.Status.NEW: frozenset({"open", "pending_customer", "on_hold", "resolved", "closed"}),
    Ticket.Status.OPEN: frozenset({"pending_customer", "on_hold", "resolved", "closed"}),
    Ticket.Status.PENDING_CUSTOMER: frozenset({"open", "on_hold", "resolved", "closed"}),
    Ticket.Status.ON_HOLD: frozenset({"open", "pending_customer", "resolved", "closed"}),
    Ticket.Status.RESOLVED: frozenset({"open", "closed"}),
    Ticket.Status.CLOSED: frozenset(),
}


class TicketEvent(models.Model):
    """One line of a ticket's history: a change of status, assignee, team or priority, with who and when."""

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        STATUS = "status", "Status changed"
        ASSIGNEE = "assignee", "Assigned"
        TEAM = "team", "Transferred"
        PRIORITY = "priority", "Priority changed"
        CALL = "call", "Call linked"

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    old_value = models.CharField(max_length=200, blank=True)
    new_value = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True, max_length=10_000)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["ticket", "-at"], name="tickets_event_ticket_recent")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.ticket_id}"


class Comment(TimeStamped):
    """A public reply (seen by the customer) or an internal note (staff only)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(max_length=20_000)
    is_internal = models.BooleanField(default=True)
    # The customer's words, relayed by staff or a gateway (public; restarts a ticket waiting on the customer).
    from_customer = models.BooleanField(default=False, db_default=False)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="tickets_comment_ticket"),
            GinIndex(COMMENT_SEARCH_VECTOR, name="tickets_comment_search"),
            # A common word matches many comments: the search reads the newest first and stops.
            models.Index(F("created_at").desc(), name="tickets_comment_newest"),
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk} on {self.ticket_id}"


class SlaPolicy(TimeStamped):
    """Targets in minutes for a program and priority: every minute, or only the program's business hours."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="sla_policies")
    priority = models.CharField(max_length=10, choices=Priority.choices)
    first_response_minutes = models.PositiveIntegerField()
    resolution_minutes = models.PositiveIntegerField()
    business_hours = models.BooleanField(
        default=False,
        help_text="Count only the program's business hours (nights, closed days and holidays do not count)",
    )

    class Meta:
        verbose_name = "SLA policy"
        verbose_name_plural = "SLA policies"
        ordering = ["program", "priority"]
        constraints = [models.UniqueConstraint(fields=["program", "priority"], name="tickets_sla_unique")]

    def __str__(self) -> str:
        return f"{self.program} {self.priority}: {self.first_response_minutes}/{self.resolution_minutes} min"


class BusinessHours(TimeStamped):
    """When a program's teams work, in the program's time zone: hours per weekday (a missing day is closed)
    and holidays. SLA policies set to business hours count only this time (tickets.services.sla)."""

    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="business_hours")
    # The format of config.hours: {"mon": ["09:00", "17:00"], ...}; "24:00" ends a day.
    windows = models.JSONField(default=dict, help_text='e.g. {"mon": ["09:00", "17:00"], "sat": ["10:00", "14:00"]}')
    holidays = ArrayField(models.DateField(), default=list, blank=True, help_text="Closed days, e.g. 2026-12-25")

    class Meta:
        verbose_name_plural = "business hours"

    def __str__(self) -> str:
        return f"Business hours of {self.program}"


class SlaRecompute(models.Model):
    """Owed work: the program's business hours or SLA policies changed after ``requested_at``, so its open
    tickets' due times must be computed again. Written with the change, deleted by the task that did it
    (``tickets.sla_recompute``, also run by the SLA beat): a change made while the broker was down is not lost."""

    program = models.OneToOneField(Program, on_delete=models.CASCADE, primary_key=True, related_name="+")
    requested_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"SLA due times of {self.program_id} owed since {self.requested_at:%Y-%m-%d %H:%M}"


class FollowUp(TimeStamped):
    """A scheduled callback. ``notified_at`` is stamped in the same transaction as the notification."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="follow_ups")
    ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.CASCADE, related_name="follow_ups")
    customer = models.ForeignKey(
        "crm.Customer", null=True, blank=True, on_delete=models.CASCADE, related_name="follow_ups"
    )
    # Whose call it is; nobody yet when routing found no one available: then it waits in ``team``'s queue.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="follow_ups"
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_ups")
    due_at = models.DateTimeField()
    note = models.TextField(blank=True, max_length=10_000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    # When due without an answer, a "pending customer" ticket goes back to open.
    reopen_ticket = models.BooleanField(default=False)
    notified_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            # The dispatcher's claim: due, scheduled, not yet notified.
            models.Index(
                fields=["due_at"],
                condition=models.Q(status="scheduled", notified_at__isnull=True),
                name="tickets_followup_due",
            ),
            models.Index(fields=["owner", "status", "due_at"], name="tickets_followup_owner"),
            # The metrics rollup counts the callbacks due in an interval, whatever their status.
            models.Index(fields=["program", "due_at"], name="tickets_followup_program_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ticket__isnull=False) | models.Q(customer__isnull=False),
                name="tickets_followup_has_subject",
            ),
            models.CheckConstraint(
                condition=models.Q(owner__isnull=False) | models.Q(team__isnull=False),
                name="tickets_followup_has_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"Follow-up {self.pk} due {self.due_at:%Y-%m-%d %H:%M}"

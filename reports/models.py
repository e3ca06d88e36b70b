"""Metric targets and the rollups every figure is read from (docs/metrics.md).

The rollups are derived data: ``reports.services.rollup`` rewrites whole intervals from the calls and
agent states, so a row is never edited by hand and can always be restated.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from agents.models import Program, Team, TimeStamped

# The rollup interval (docs/metrics.md): every UTC offset is a multiple of it, so an hour, a day or a
# week in any time zone is a sum of whole intervals.
INTERVAL_MINUTES = 15
# The columns of the call and agent-state rollups, as the rollup SQL and the selectors name them.
CALL_SUMS = (
    "offered", "answered", "answered_in_time", "abandoned", "short_abandoned", "handled", "resolved_first",
    "transferred", "wait_seconds", "talk_seconds", "hold_seconds", "wrap_up_seconds", "csat_responses",
    "csat_satisfied", "csat_score_sum", "qa_reviews", "qa_points", "qa_failed",
)  # fmt: skip
STATE_SUMS = ("available_seconds", "on_call_seconds", "wrap_up_seconds", "break_seconds")
WORK_SUMS = (
    "tickets_opened", "tickets_resolved", "resolved_with_due", "resolved_in_time", "approvals_decided",
    "approval_seconds", "callbacks_due", "callbacks_on_time",
)  # fmt: skip


def _ratio(help_text: str) -> models.FloatField:
    return models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)], help_text=help_text
    )


class ProgramTargets(TimeStamped):
    """A program's metric thresholds and targets, set by admins. Empty targets are not shown."""

    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="metric_targets")
    service_level_seconds = models.PositiveSmallIntegerField(
        default=20, validators=[MinValueValidator(1)], help_text="Answered within this many seconds counts as in time."
    )
    short_abandon_seconds = models.PositiveSmallIntegerField(
        default=5,
        help_text="Callers who hang up sooner are short abandons (left out of service level and abandon rate).",
    )
    aht_seconds = models.PositiveIntegerField(null=True, blank=True, help_text="Average handle time at most")
    asa_seconds = models.PositiveIntegerField(null=True, blank=True, help_text="Average speed of answer at most")
    service_level = _ratio("Service level at least (0-1, e.g. 0.8)")
    abandon_rate = _ratio("Abandon rate at most (0-1)")
    fcr_rate = _ratio("First-contact resolution at least (0-1)")
    csat = _ratio("Share of satisfied answers (4-5 of 5) at least (0-1)")
    qa_score = _ratio("Quality review score at least (0-1, e.g. 0.85)")
    # Set when a threshold changes: the rollup task restates the program's intervals, then clears it.
    restate_pending = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name_plural = "program targets"
        constraints = [
            *[
                models.CheckConstraint(
                    condition=models.Q(**{f"{name}__isnull": True})
                    | models.Q(**{f"{name}__gte": 0, f"{name}__lte": 1}),
                    name=f"reports_targets_{name}_ratio",
                )
                for name in ("service_level", "abandon_rate", "fcr_rate", "csat", "qa_score")
            ],
            models.CheckConstraint(
                condition=models.Q(service_level_seconds__gte=1), name="reports_targets_sl_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"Targets of {self.program}"


class CallRollup(models.Model):
    """Inbound calls of one program, team and agent, summed (docs/metrics.md: each sum is over the calls its
    formula names), and the survey answers about that agent's work. Team and agent are empty for calls nobody
    answered."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    offered = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)
    answered_in_time = models.PositiveIntegerField(default=0)
    abandoned = models.PositiveIntegerField(default=0)
    short_abandoned = models.PositiveIntegerField(default=0)
    handled = models.PositiveIntegerField(default=0)
    resolved_first = models.PositiveIntegerField(default=0)
    transferred = models.PositiveIntegerField(default=0)
    # A row's seconds fit an int (a day of one agent, team or program), and PostgreSQL sums ints in 64 bits
    # where it sums bigints as numeric: a month of per-agent days read 3.5 ms faster.
    wait_seconds = models.PositiveIntegerField(default=0, help_text="Σ wait of answered calls")
    talk_seconds = models.PositiveIntegerField(default=0, help_text="Σ talk of handled calls")
    hold_seconds = models.PositiveIntegerField(default=0, help_text="Σ hold of handled calls")
    wrap_up_seconds = models.PositiveIntegerField(default=0, help_text="Σ wrap-up of handled calls")
    # Survey answers about the agent's calls and tickets, counted at the call's start or the ticket's resolution.
    csat_responses = models.PositiveIntegerField(default=0)
    csat_satisfied = models.PositiveIntegerField(default=0, help_text="Answers scoring 4 or 5")
    csat_score_sum = models.PositiveIntegerField(default=0, help_text="Σ scores")
    # Quality reviews of the agent's calls, counted at the call's start (docs/metrics.md, "QA score").
    qa_reviews = models.PositiveIntegerField(default=0)
    qa_points = models.PositiveIntegerField(default=0, help_text="Σ review scores in hundredths of a percent")
    qa_failed = models.PositiveIntegerField(default=0, help_text="Reviews failed on a critical criterion")

    class Meta:
        abstract = True


class CallInterval(CallRollup):
    """The calls that started in one interval."""

    start = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program", "start", "team", "agent"], nulls_distinct=False, name="reports_callinterval_once"
            ),
        ]
        indexes = [
            models.Index(fields=["agent", "start"], name="reports_callinterval_agent"),
            models.Index(fields=["team", "start"], name="reports_callinterval_team"),
        ]

    def __str__(self) -> str:
        return f"{self.program_id} {self.start:%Y-%m-%d %H:%M}"


class CallDay(CallRollup):
    """The call intervals of one local day in a reporting zone, summed per program, team and agent: a month
    is read as 30 rows per agent, not as thousands of intervals. Derived from ``CallInterval``."""

    zone = models.CharField(max_length=64)
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "program", "day", "team", "agent"], nulls_distinct=False, name="reports_callday_once"
            ),
        ]
        indexes = [
            models.Index(fields=["zone", "agent", "day"], name="reports_callday_agent"),
            models.Index(fields=["zone", "team", "day"], name="reports_callday_team"),
        ]

    def __str__(self) -> str:
        return f"{self.program_id} {self.day} ({self.zone})"


class WorkInterval(models.Model):
    """Tickets opened and resolved, approvals decided and callbacks due, of one program and team, in one
    interval (each counted in the interval of its own moment: created, resolved, decided, due). Approvals
    carry their team; callbacks have none (they count for the program)."""

    start = models.DateTimeField()
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    tickets_opened = models.PositiveIntegerField(default=0)
    tickets_resolved = models.PositiveIntegerField(default=0)
    resolved_with_due = models.PositiveIntegerField(
        default=0, help_text="Resolved tickets that had a resolution due time"
    )
    resolved_in_time = models.PositiveIntegerField(default=0, help_text="… resolved by it")
    approvals_decided = models.PositiveIntegerField(default=0)
    approval_seconds = models.BigIntegerField(default=0, help_text="Σ from request to decision")
    callbacks_due = models.PositiveIntegerField(default=0, help_text="Callbacks due, not cancelled")
    callbacks_on_time = models.PositiveIntegerField(default=0, help_text="… done within the grace after due")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program", "start", "team"], nulls_distinct=False, name="reports_workinterval_once"
            ),
        ]
        indexes = [models.Index(fields=["team", "start"], name="reports_workinterval_team")]

    def __str__(self) -> str:
        return f"{self.program_id} {self.start:%Y-%m-%d %H:%M}"


class StateSums(models.Model):
    """An agent's seconds in each state (offline is not counted)."""

    available_seconds = models.PositiveIntegerField(default=0)
    on_call_seconds = models.PositiveIntegerField(default=0)
    wrap_up_seconds = models.PositiveIntegerField(default=0)
    break_seconds = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class AgentInterval(StateSums):
    """One agent's seconds in each state within one interval (states split exactly at its edges)."""

    start = models.DateTimeField()
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            # Covering: a team's month of states is read from the index alone (no heap visits).
            models.UniqueConstraint(
                fields=["agent", "start"],
                include=["available_seconds", "on_call_seconds", "wrap_up_seconds"],
                name="reports_agentinterval_once",
            )
        ]
        indexes = [models.Index(fields=["start"], name="reports_agentinterval_start")]

    def __str__(self) -> str:
        return f"{self.agent_id} {self.start:%Y-%m-%d %H:%M}"


class AgentDay(StateSums):
    """One agent's state intervals of one local day in a reporting zone, summed. Derived from
    ``AgentInterval``."""

    zone = models.CharField(max_length=64)
    day = models.DateField()
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "agent", "day"],
                include=["available_seconds", "on_call_seconds", "wrap_up_seconds"],
                name="reports_agentday_once",
            )
        ]
        indexes = [models.Index(fields=["zone", "day"], name="reports_agentday_day")]

    def __str__(self) -> str:
        return f"{self.agent_id} {self.day} ({self.zone})"


class ReportingZone(models.Model):
    """A time zone whose local days are kept as day rollups (``CallDay``, ``AgentDay``): the programs' and the
    users' zones and the server's. Reads use a zone's days once it is ``ready`` (every past day written);
    until then, and for any other zone, they sum the intervals."""

    name = models.CharField(max_length=64, unique=True)
    ready = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.name


class RollupCursor(models.Model):
    """How far a rollup has read its source (``calls``: the calls' ``updated_at``; ``agent_states``: time)."""

    name = models.CharField(max_length=40, unique=True)
    position = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.position:%Y-%m-%d %H:%M:%S}"

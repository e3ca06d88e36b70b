"""Quality reviews of calls: versioned scorecards, the weekly sample, reviews and their answers, disputes,
and calibration sessions.

A scorecard's criteria belong to one version; a version that a review was scored on is never changed
again (editing makes the next version), so a review always shows the questions it was answered against.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from agents.models import Program, TimeStamped
from crm.models import Call


class Scorecard(TimeStamped):
    """What a program's calls are scored against. Its questions live in versions."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="scorecards")
    name = models.CharField(max_length=120)
    is_active = models.BooleanField(default=True, help_text="New reviews use the program's active scorecard.")

    class Meta:
        ordering = ["program", "name"]
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="quality_scorecard_name_once"),
            # One scorecard per program is the one new reviews use.
            models.UniqueConstraint(
                fields=["program"], condition=Q(is_active=True), name="quality_scorecard_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.program})"


class ScorecardVersion(TimeStamped):
    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True, help_text="What changed")

    class Meta:
        ordering = ["scorecard", "-number"]
        constraints = [models.UniqueConstraint(fields=["scorecard", "number"], name="quality_scorecard_version_once")]

    def __str__(self) -> str:
        return f"{self.scorecard.name} v{self.number}"


class AnswerType(models.TextChoices):
    YES_NO = "yes_no", "Yes / No / N-A"
    SCALE = "scale", "Scale 0 to n"


class AutoRule(models.TextChoices):
    """Answers the call's own record already gives (the reviewer may still change them)."""

    NONE = "", "None: the reviewer answers"
    SCRIPT_COMPLETED = "script_completed", "Every step of the call's script ticked"
    NO_CARD_DATA = "no_card_data", "No card number or security code in the call's notes"
    WRAP_UP_CODE = "wrap_up_code", "A wrap-up code recorded"
    HOLD_UNDER = "hold_under", "Hold time at most the threshold"


# What an editor sets on a criterion (the scorecard page, the service, the demo).
CRITERION_FIELDS = (
    "section", "label", "guidance", "answer_type", "scale_max", "weight", "critical", "auto_rule",
    "auto_threshold_seconds",
)  # fmt: skip


class Criterion(models.Model):
    """One question of a scorecard version, in a section."""

    version = models.ForeignKey(ScorecardVersion, on_delete=models.CASCADE, related_name="criteria")
    section = models.CharField(max_length=80, help_text="e.g. Greeting, Verification, Compliance, Resolution")
    position = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(max_length=200)
    guidance = models.TextField(blank=True, max_length=2000, help_text="What earns full marks")
    answer_type = models.CharField(max_length=8, choices=AnswerType.choices, default=AnswerType.YES_NO)
    scale_max = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(10)], help_text="Highest answer (yes = 1)"
    )
    weight = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1), MaxValueValidator(100)])
    critical = models.BooleanField(default=False, help_text="Answered No (or 0), the whole review fails.")
    auto_rule = models.CharField(max_length=20, choices=AutoRule.choices, default=AutoRule.NONE, blank=True)
    auto_threshold_seconds = models.PositiveIntegerField(
        null=True, blank=True, help_text="For the hold-time rule: the most hold time that still passes"
    )

    class Meta:
        ordering = ["version", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=1, weight__lte=100), name="quality_criterion_weight"),
            models.CheckConstraint(
                condition=Q(answer_type="yes_no", scale_max=1) | Q(answer_type="scale", scale_max__gte=1),
                name="quality_criterion_scale",
                violation_error_message="A yes/no criterion's highest answer is 1.",
            ),
            models.CheckConstraint(
                condition=~Q(auto_rule="hold_under") | Q(auto_threshold_seconds__isnull=False),
                name="quality_criterion_hold_threshold",
                violation_error_message="The hold-time rule needs a threshold in seconds.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.section}: {self.label}"


class SamplingPolicy(TimeStamped):
    """How many of each agent's calls the weekly sample takes in a program. Set by admins."""

    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="qa_sampling")
    is_active = models.BooleanField(default=True)
    calls_per_agent = models.PositiveSmallIntegerField(default=4, validators=[MaxValueValidator(50)])
    new_agent_calls = models.PositiveSmallIntegerField(
        default=8, validators=[MaxValueValidator(50)], help_text="Calls per week for an agent new to the program"
    )
    new_agent_days = models.PositiveSmallIntegerField(
        default=30, help_text="An agent is new this many days after its first call in the program"
    )
    long_call_seconds = models.PositiveIntegerField(
        default=600, help_text="Calls handled longer than this are more likely to be picked"
    )

    class Meta:
        verbose_name_plural = "sampling policies"

    def __str__(self) -> str:
        return f"QA sampling of {self.program}"


class CalibrationSession(TimeStamped):
    """Several reviewers score the same calls on their own; the report compares them."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="calibration_sessions")
    name = models.CharField(max_length=120)
    version = models.ForeignKey(ScorecardVersion, on_delete=models.PROTECT, related_name="calibration_sessions")
    calls = models.ManyToManyField(Call, related_name="calibration_sessions")
    reviewers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="calibration_sessions")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class ReviewStatus(models.TextChoices):
    QUEUED = "queued", "Sampled, not started"
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    DISPUTED = "disputed", "Disputed"
    FINAL = "final", "Final"


# The workflow, from each state (quality.services.reviews moves along it, one service per arrow).
REVIEW_TRANSITIONS: dict[str, frozenset[str]] = {
    ReviewStatus.QUEUED: frozenset({ReviewStatus.DRAFT}),
    ReviewStatus.DRAFT: frozenset({ReviewStatus.SUBMITTED}),
    ReviewStatus.SUBMITTED: frozenset({ReviewStatus.ACKNOWLEDGED, ReviewStatus.DISPUTED}),
    ReviewStatus.DISPUTED: frozenset({ReviewStatus.FINAL}),
    ReviewStatus.ACKNOWLEDGED: frozenset(),
    ReviewStatus.FINAL: frozenset(),
}
# States whose score the agent (and the metrics) see.
PUBLISHED_STATUSES = (ReviewStatus.SUBMITTED, ReviewStatus.ACKNOWLEDGED, ReviewStatus.DISPUTED, ReviewStatus.FINAL)


class DisputeOutcome(models.TextChoices):
    UPHELD = "upheld", "Upheld: the score stands"
    AMENDED = "amended", "Amended: answers corrected"


class Review(TimeStamped):
    """One reviewer's scoring of one call: from the weekly sample, picked by hand, or in a calibration
    session (then it is compared, never shown to the agent and never counted)."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+")
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="reviews")
    # The call's agent: whose work is scored, who acknowledges or disputes.
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="qa_reviews")
    # The moment the metrics count the review at (docs/metrics.md): the call's start.
    attributed_at = models.DateTimeField()
    version = models.ForeignKey(
        ScorecardVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    calibration = models.ForeignKey(
        CalibrationSession, null=True, blank=True, on_delete=models.CASCADE, related_name="reviews"
    )
    status = models.CharField(max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.QUEUED)
    sampled_because = models.CharField(max_length=200, blank=True, help_text="Why the sample picked this call")
    week = models.DateField(null=True, blank=True, help_text="The Monday of the week sampled")
    score = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True, help_text="Percent of the weighted points"
    )
    failed_critical = models.BooleanField(default=False)
    comment = models.TextField(blank=True, max_length=10_000)
    submitted_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    dispute_reason = models.TextField(blank=True, max_length=10_000)
    disputed_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(max_length=8, choices=DisputeOutcome.choices, blank=True)
    decision_note = models.TextField(blank=True, max_length=10_000)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ReviewStatus.values), name="quality_review_status_valid"),
            # A call is sampled (or reviewed outside calibration) once.
            models.UniqueConstraint(
                fields=["call"], condition=Q(calibration__isnull=True), name="quality_review_call_once"
            ),
            models.UniqueConstraint(
                fields=["calibration", "call", "reviewer"],
                condition=Q(calibration__isnull=False),
                name="quality_calibration_once_per_reviewer",
            ),
            # Nobody scores their own call; four eyes on a dispute: neither the reviewer nor the agent decides.
            models.CheckConstraint(
                condition=Q(reviewer__isnull=True) | ~Q(reviewer=F("agent")), name="quality_review_not_own"
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | (~Q(decided_by=F("reviewer")) & ~Q(decided_by=F("agent"))),
                name="quality_dispute_four_eyes",
            ),
            models.CheckConstraint(
                condition=Q(status="queued", reviewer__isnull=True) | (~Q(status="queued") & Q(reviewer__isnull=False)),
                name="quality_review_reviewer",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "draft"]) | Q(score__isnull=False, submitted_at__isnull=False),
                name="quality_review_scored",
            ),
            models.CheckConstraint(
                condition=~Q(status="disputed") | ~Q(dispute_reason=""), name="quality_dispute_reason"
            ),
            models.CheckConstraint(
                condition=(
                    (~Q(status="final") & Q(decided_by__isnull=True, decided_at__isnull=True, decision=""))
                    | (
                        Q(status="final", decided_by__isnull=False, decided_at__isnull=False)
                        & ~Q(decision="")
                        & ~Q(decision_note="")
                    )
                ),
                name="quality_dispute_decision",
            ),
            # Calibration reviews stay among reviewers.
            models.CheckConstraint(
                condition=Q(calibration__isnull=True) | Q(status__in=["draft", "submitted"]),
                name="quality_calibration_statuses",
            ),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=100), name="quality_review_score_range"),
        ]
        indexes = [
            models.Index(fields=["program", "status", "week"], name="quality_review_queue"),
            models.Index(fields=["agent", "-created_at"], name="quality_review_agent"),
            # The metrics rollup reads a program's reviews by interval.
            models.Index(fields=["program", "attributed_at"], name="quality_review_program_at"),
            models.Index(fields=["created_at", "id"], name="quality_review_created"),
        ]

    def __str__(self) -> str:
        return f"Review {self.pk} of call {self.call_id} ({self.get_status_display()})"

    @property
    def is_calibration(self) -> bool:
        return self.calibration_id is not None


class ReviewAnswer(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="answers")
    # None: not applicable to this call (left out of the score).
    value = models.PositiveSmallIntegerField(null=True, blank=True)
    automatic = models.BooleanField(default=False, help_text="Filled from the call's record")
    comment = models.CharField(max_length=1000, blank=True)

    class Meta:
        ordering = ["criterion__position", "criterion_id"]
        constraints = [models.UniqueConstraint(fields=["review", "criterion"], name="quality_answer_once")]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {'N/A' if self.value is None else self.value}"

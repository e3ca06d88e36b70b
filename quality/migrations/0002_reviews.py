"""Quality reviews of calls: scorecards and their versions, sampling, reviews, answers, calibration."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("agents", "0013_qa_reviewer_role"),
        ("crm", "0012_call_recording_url"),
        ("quality", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CalibrationSession",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True, db_index=True)),
                ("name", models.CharField(max_length=120)),
                (
                    "status",
                    models.CharField(choices=[("open", "Open"), ("closed", "Closed")], default="open", max_length=8),
                ),
                ("calls", models.ManyToManyField(related_name="calibration_sessions", to="crm.call")),
                (
                    "created_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "program",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="calibration_sessions",
                        to="agents.program",
                    ),
                ),
                ("reviewers", models.ManyToManyField(related_name="calibration_sessions", to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="SamplingPolicy",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True, db_index=True)),
                ("is_active", models.BooleanField(default=True)),
                (
                    "calls_per_agent",
                    models.PositiveSmallIntegerField(
                        default=4, validators=[django.core.validators.MaxValueValidator(50)]
                    ),
                ),
                (
                    "new_agent_calls",
                    models.PositiveSmallIntegerField(
                        default=8,
                        help_text="Calls per week for an agent new to the program",
                        validators=[django.core.validators.MaxValueValidator(50)],
                    ),
                ),
                (
                    "new_agent_days",
                    models.PositiveSmallIntegerField(
                        default=30, help_text="An agent is new this many days after its first call in the program"
                    ),
                ),
                (
                    "long_call_seconds",
                    models.PositiveIntegerField(
                        default=600, help_text="Calls handled longer than this are more likely to be picked"
                    ),
                ),
                (
                    "program",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE, related_name="qa_sampling", to="agents.program"
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "sampling policies",
            },
        ),
        migrations.CreateModel(
            name="Scorecard",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True, db_index=True)),
                ("name", models.CharField(max_length=120)),
                (
                    "is_active",
                    models.BooleanField(default=True, help_text="New reviews use the program's active scorecard."),
                ),
                (
                    "program",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="scorecards", to="agents.program"
                    ),
                ),
            ],
            options={
                "ordering": ["program", "name"],
            },
        ),
        migrations.CreateModel(
            name="ScorecardVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True, db_index=True)),
                ("number", models.PositiveIntegerField()),
                ("note", models.CharField(blank=True, help_text="What changed", max_length=300)),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "scorecard",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="versions", to="quality.scorecard"
                    ),
                ),
            ],
            options={
                "ordering": ["scorecard", "-number"],
            },
        ),
        migrations.CreateModel(
            name="Review",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True, db_index=True)),
                ("attributed_at", models.DateTimeField()),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("queued", "Sampled, not started"),
                            ("draft", "Draft"),
                            ("submitted", "Submitted"),
                            ("acknowledged", "Acknowledged"),
                            ("disputed", "Disputed"),
                            ("final", "Final"),
                        ],
                        default="queued",
                        max_length=12,
                    ),
                ),
                (
                    "sampled_because",
                    models.CharField(blank=True, help_text="Why the sample picked this call", max_length=200),
                ),
                ("week", models.DateField(blank=True, help_text="The Monday of the week sampled", null=True)),
                (
                    "score",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        help_text="Percent of the weighted points",
                        max_digits=5,
                        null=True,
                    ),
                ),
                ("failed_critical", models.BooleanField(default=False)),
                ("comment", models.TextField(blank=True, max_length=10000)),
                ("submitted_at", models.DateTimeField(blank=True, null=True)),
                ("acknowledged_at", models.DateTimeField(blank=True, null=True)),
                ("dispute_reason", models.TextField(blank=True, max_length=10000)),
                ("disputed_at", models.DateTimeField(blank=True, null=True)),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                (
                    "decision",
                    models.CharField(
                        blank=True,
                        choices=[("upheld", "Upheld: the score stands"), ("amended", "Amended: answers corrected")],
                        max_length=8,
                    ),
                ),
                ("decision_note", models.TextField(blank=True, max_length=10000)),
                (
                    "agent",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="qa_reviews",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "calibration",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reviews",
                        to="quality.calibrationsession",
                    ),
                ),
                (
                    "call",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="reviews", to="crm.call"
                    ),
                ),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "program",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="agents.program"
                    ),
                ),
                (
                    "reviewer",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "version",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="reviews",
                        to="quality.scorecardversion",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="Criterion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "section",
                    models.CharField(help_text="e.g. Greeting, Verification, Compliance, Resolution", max_length=80),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                ("label", models.CharField(max_length=200)),
                ("guidance", models.TextField(blank=True, help_text="What earns full marks", max_length=2000)),
                (
                    "answer_type",
                    models.CharField(
                        choices=[("yes_no", "Yes / No / N-A"), ("scale", "Scale 0 to n")],
                        default="yes_no",
                        max_length=8,
                    ),
                ),
                (
                    "scale_max",
                    models.PositiveSmallIntegerField(
                        default=1,
                        help_text="Highest answer (yes = 1)",
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(10),
                        ],
                    ),
                ),
                (
                    "weight",
                    models.PositiveSmallIntegerField(
                        default=1,
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(100),
                        ],
                    ),
                ),
                (
                    "critical",
                    models.BooleanField(default=False, help_text="Answered No (or 0), the whole review fails."),
                ),
                (
                    "auto_rule",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("", "None: the reviewer answers"),
                            ("script_completed", "Every step of the call's script ticked"),
                            ("no_card_data", "No card number or security code in the call's notes"),
                            ("wrap_up_code", "A wrap-up code recorded"),
                            ("hold_under", "Hold time at most the threshold"),
                        ],
                        default="",
                        max_length=20,
                    ),
                ),
                (
                    "auto_threshold_seconds",
                    models.PositiveIntegerField(
                        blank=True, help_text="For the hold-time rule: the most hold time that still passes", null=True
                    ),
                ),
                (
                    "version",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="criteria",
                        to="quality.scorecardversion",
                    ),
                ),
            ],
            options={
                "ordering": ["version", "position", "id"],
            },
        ),
        migrations.AddField(
            model_name="calibrationsession",
            name="version",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="calibration_sessions",
                to="quality.scorecardversion",
            ),
        ),
        migrations.CreateModel(
            name="ReviewAnswer",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("value", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("automatic", models.BooleanField(default=False, help_text="Filled from the call's record")),
                ("comment", models.CharField(blank=True, max_length=1000)),
                (
                    "criterion",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="answers", to="quality.criterion"
                    ),
                ),
                (
                    "review",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="answers", to="quality.review"
                    ),
                ),
            ],
            options={
                "ordering": ["criterion__position", "criterion_id"],
                "constraints": [models.UniqueConstraint(fields=("review", "criterion"), name="quality_answer_once")],
            },
        ),
        migrations.AddConstraint(
            model_name="scorecard",
            constraint=models.UniqueConstraint(fields=("program", "name"), name="quality_scorecard_name_once"),
        ),
        migrations.AddConstraint(
            model_name="scorecard",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_active", True)), fields=("program",), name="quality_scorecard_one_active"
            ),
        ),
        migrations.AddConstraint(
            model_name="scorecardversion",
            constraint=models.UniqueConstraint(fields=("scorecard", "number"), name="quality_scorecard_version_once"),
        ),
        migrations.AddIndex(
            model_name="review",
            index=models.Index(fields=["program", "status", "week"], name="quality_review_queue"),
        ),
        migrations.AddIndex(
            model_name="review",
            index=models.Index(fields=["agent", "-created_at"], name="quality_review_agent"),
        ),
        migrations.AddIndex(
            model_name="review",
            index=models.Index(fields=["program", "attributed_at"], name="quality_review_program_at"),
        ),
        migrations.AddIndex(
            model_name="review",
            index=models.Index(fields=["created_at", "id"], name="quality_review_created"),
        ),
        migrations.AddConstraint(
            model_name="review",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("status__in", ["queued", "draft", "submitted", "acknowledged", "disputed", "final"])
                ),
                name="quality_review_status_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="review",
            constraint=models.UniqueConstraint(
                condition=models.Q(("calibration__isnull", True)), fields=("call",), name="quality_review_call_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="review",
            constraint=models.UniqueConstraint(
                condition=models.Q(("calibration__isnull", False)),
                fields=("calibration", "call", "reviewer"),
                name="quality_calibration_once_per_reviewer",
            ),
        ),
        migrations.AddConstraint(
            model_name="review",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("reviewer__isnull", True),
                    models.Q(("reviewer", models.F("agent")), _negated=True),
                    _connector="OR",
                ),
                name="quality_review_not_own",
            ),
        ),
        migrations.AddConstraint(
            model_name="review",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("decided_by__isnull", True),
                    models.Q(
                        models.Q(("decided_by", models.F("reviewer")), _negated=True),
                        models.Q(("decided_by", models.F("agent")), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="quality_dispute_four_eyes",
            ),
        ),
        migrations.AddConstraint(
            model_name="review",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("reviewer__isnull", True), ("status", "queued")),
                    models.Q(models.Q(("status", "queued"), _negated=True), ("reviewer__isnull", False)),
                    _connector="OR",
                ),
                name="quality_review_reviewer",
            ),
        ),
        migrations.AddConstraint(
            model_name="review",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("status__in", ["queued", "draft"]),
                    models.Q(("score__isnull", False), ("submitted_at__isnull", False)),
                    _connector="OR",
                ),
                name="quality_review_scored",
            ),
        ),
        migrations.AddConstraint(
            model_name="review",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "disputed"), _negated=True),
                    models.Q(("dispute_reason", ""), _negated=True),
                    _connector="OR",
                ),
                name="quality_dispute_reason",
            ),
        ),
        migrations.AddConstraint(
            model_name="review",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        models.Q(("status", "final"), _negated=True),
                        ("decided_at__isnull", True),
                        ("decided_by__isnull", True),
                        ("decision", ""),
                    ),
                    models.Q(
                        ("decided_at__isnull", False),
                        ("decided_by__isnull", False),
                        ("status", "final"),
                        models.Q(("decision", ""), _negated=True),
                        models.Q(("decision_note", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="quality_dispute_decision",
            ),
        ),
        migrations.AddConstraint(
            model_name="review",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("calibration__isnull", True), ("status__in", ["draft", "submitted"]), _connector="OR"
                ),
                name="quality_calibration_statuses",
            ),
        ),
        migrations.AddConstraint(
            model_name="review",
            constraint=models.CheckConstraint(
                condition=models.Q(("score__gte", 0), ("score__lte", 100)), name="quality_review_score_range"
            ),
        ),
        migrations.AddConstraint(
            model_name="criterion",
            constraint=models.CheckConstraint(
                condition=models.Q(("weight__gte", 1), ("weight__lte", 100)), name="quality_criterion_weight"
            ),
        ),
        migrations.AddConstraint(
            model_name="criterion",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("answer_type", "yes_no"), ("scale_max", 1)),
                    models.Q(("answer_type", "scale"), ("scale_max__gte", 1)),
                    _connector="OR",
                ),
                name="quality_criterion_scale",
                violation_error_message="A yes/no criterion's highest answer is 1.",
            ),
        ),
        migrations.AddConstraint(
            model_name="criterion",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("auto_rule", "hold_under"), _negated=True),
                    ("auto_threshold_seconds__isnull", False),
                    _connector="OR",
                ),
                name="quality_criterion_hold_threshold",
                violation_error_message="The hold-time rule needs a threshold in seconds.",
            ),
        ),
    ]

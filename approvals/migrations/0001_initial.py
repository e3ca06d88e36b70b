"""The approvals models, moved out of ``agents`` with their rows.

The tables already exist (created by agents 0004/0005): the state takes them over
as they are, then each is renamed to this app's name; nothing is copied, so every
row, constraint, index and trigger stays in place (tested on a seeded database).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MOVED = ["approvalrequest", "authoritylimit"]


def move_content_types(apps, schema_editor):
    # Permissions and admin history point at content types: keep the rows, change their app.
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="agents", model__in=MOVED).update(app_label="approvals")


def move_content_types_back(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="approvals", model__in=MOVED).update(app_label="agents")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("agents", "0005_api_tokens_webhooks"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("crm", "0005_retention_defaults"),
        ("tickets", "0002_tickets_workflow_sla_follow_ups"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ApprovalRequest",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True, db_index=True)),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("refund", "Refund"),
                                    ("credit", "Account credit"),
                                    ("fee_waiver", "Fee waiver"),
                                    ("exception", "Policy exception"),
                                ],
                                max_length=12,
                            ),
                        ),
                        ("amount", models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True)),
                        ("currency", models.CharField(blank=True, max_length=3)),
                        ("reason", models.TextField()),
                        (
                            "reference",
                            models.CharField(
                                blank=True, help_text="Order, invoice or transaction reference.", max_length=100
                            ),
                        ),
                        (
                            "policy",
                            models.CharField(blank=True, help_text="For exceptions: which policy.", max_length=200),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("pending", "Pending"),
                                    ("approved", "Approved"),
                                    ("rejected", "Rejected"),
                                    ("cancelled", "Cancelled"),
                                    ("expired", "Expired"),
                                    ("self_approved", "Granted within own limit"),
                                ],
                                db_index=True,
                                default="pending",
                                max_length=14,
                            ),
                        ),
                        (
                            "level",
                            models.CharField(
                                choices=[("supervisor", "Supervisor"), ("manager", "Manager")],
                                default="supervisor",
                                max_length=10,
                            ),
                        ),
                        ("decided_at", models.DateTimeField(blank=True, null=True)),
                        ("decision_note", models.TextField(blank=True)),
                        (
                            "applied_at",
                            models.DateTimeField(blank=True, help_text="When billing applied it.", null=True),
                        ),
                        ("reminded_at", models.DateTimeField(blank=True, null=True)),
                        ("escalated_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "customer",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="approval_requests",
                                to="crm.customer",
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
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="approval_requests",
                                to="agents.program",
                            ),
                        ),
                        (
                            "requested_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "team",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="approval_requests",
                                to="agents.team",
                            ),
                        ),
                        (
                            "ticket",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="approval_requests",
                                to="tickets.ticket",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "agents_approvalrequest",
                        "ordering": ["created_at", "id"],
                        "indexes": [
                            models.Index(fields=["status", "team", "created_at"], name="agents_approval_queue"),
                            models.Index(fields=["customer", "kind", "status"], name="agents_approval_customer"),
                        ],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    (
                                        "status__in",
                                        ["pending", "approved", "rejected", "cancelled", "expired", "self_approved"],
                                    )
                                ),
                                name="agents_approval_status_valid",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("decided_by__isnull", True),
                                    models.Q(("decided_by", models.F("requested_by")), _negated=True),
                                    _connector="OR",
                                ),
                                name="agents_approval_not_own",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(
                                        ("decided_at__isnull", False),
                                        ("decided_by__isnull", False),
                                        ("status__in", ["approved", "rejected"]),
                                    ),
                                    models.Q(
                                        ("decided_by__isnull", True),
                                        ("status__in", ["pending", "cancelled", "expired", "self_approved"]),
                                    ),
                                    _connector="OR",
                                ),
                                name="agents_approval_decision_fields",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("status", "rejected"), _negated=True),
                                    models.Q(("decision_note", ""), _negated=True),
                                    _connector="OR",
                                ),
                                name="agents_approval_reject_reason",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("kind", "exception"),
                                    models.Q(("amount__gt", 0), models.Q(("currency", ""), _negated=True)),
                                    _connector="OR",
                                ),
                                name="agents_approval_amount_required",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("applied_at__isnull", True),
                                    ("status__in", ["approved", "self_approved"]),
                                    _connector="OR",
                                ),
                                name="agents_approval_applied_only_granted",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="AuthorityLimit",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True, db_index=True)),
                        (
                            "role",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("agent", "Agent"),
                                    ("supervisor", "Supervisor"),
                                    ("manager", "Manager"),
                                    ("knowledge_manager", "Knowledge manager"),
                                    ("admin", "Administrator"),
                                    ("integrator", "Integrator"),
                                ],
                                max_length=20,
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("refund", "Refund"),
                                    ("credit", "Account credit"),
                                    ("fee_waiver", "Fee waiver"),
                                ],
                                max_length=12,
                            ),
                        ),
                        ("currency", models.CharField(default="USD", max_length=3)),
                        ("max_amount", models.DecimalField(decimal_places=2, max_digits=12)),
                        (
                            "user",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="authority_limits",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "agents_authoritylimit",
                        "ordering": ["role", "user", "kind", "currency"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("role", ""), ("user__isnull", False)),
                                    models.Q(models.Q(("role", ""), _negated=True), ("user__isnull", True)),
                                    _connector="OR",
                                ),
                                name="agents_limit_role_xor_user",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("max_amount__gte", 0)), name="agents_limit_not_negative"
                            ),
                            models.UniqueConstraint(
                                condition=models.Q(("user__isnull", True)),
                                fields=("role", "kind", "currency"),
                                name="agents_limit_role_unique",
                            ),
                            models.UniqueConstraint(
                                condition=models.Q(("user__isnull", False)),
                                fields=("user", "kind", "currency"),
                                name="agents_limit_user_unique",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="approvalrequest", table=None),
        migrations.AlterModelTable(name="authoritylimit", table=None),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]

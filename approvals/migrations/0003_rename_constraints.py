"""Constraint and index names of the moved tables follow the app (``approvals_...``); renamed in place.

Nothing is dropped or rebuilt: the database renames each constraint or index, and the state swaps
the old definition for the same one under its new name.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("agents", "0006_moved_to_approvals_and_integrations"),
        ("approvals", "0002_decider_rule"),
        ("crm", "0005_retention_defaults"),
        ("tickets", "0002_tickets_workflow_sla_follow_ups"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameIndex(
            model_name="approvalrequest",
            new_name="approvals_queue",
            old_name="agents_approval_queue",
        ),
        migrations.RenameIndex(
            model_name="approvalrequest",
            new_name="approvals_customer",
            old_name="agents_approval_customer",
        ),
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE approvals_approvalrequest RENAME CONSTRAINT agents_approval_status_valid TO approvals_status_valid;\nALTER TABLE approvals_approvalrequest RENAME CONSTRAINT agents_approval_not_own TO approvals_not_own;\nALTER TABLE approvals_approvalrequest RENAME CONSTRAINT agents_approval_decision_fields TO approvals_decision_fields;\nALTER TABLE approvals_approvalrequest RENAME CONSTRAINT agents_approval_reject_reason TO approvals_reject_reason;\nALTER TABLE approvals_approvalrequest RENAME CONSTRAINT agents_approval_amount_required TO approvals_amount_required;\nALTER TABLE approvals_approvalrequest RENAME CONSTRAINT agents_approval_applied_only_granted TO approvals_applied_only_granted;\nALTER TABLE approvals_authoritylimit RENAME CONSTRAINT agents_limit_role_xor_user TO approvals_limit_role_xor_user;\nALTER TABLE approvals_authoritylimit RENAME CONSTRAINT agents_limit_not_negative TO approvals_limit_not_negative;\nALTER INDEX agents_limit_role_unique RENAME TO approvals_limit_role_unique;\nALTER INDEX agents_limit_user_unique RENAME TO approvals_limit_user_unique;",
                    "ALTER TABLE approvals_approvalrequest RENAME CONSTRAINT approvals_status_valid TO agents_approval_status_valid;\nALTER TABLE approvals_approvalrequest RENAME CONSTRAINT approvals_not_own TO agents_approval_not_own;\nALTER TABLE approvals_approvalrequest RENAME CONSTRAINT approvals_decision_fields TO agents_approval_decision_fields;\nALTER TABLE approvals_approvalrequest RENAME CONSTRAINT approvals_reject_reason TO agents_approval_reject_reason;\nALTER TABLE approvals_approvalrequest RENAME CONSTRAINT approvals_amount_required TO agents_approval_amount_required;\nALTER TABLE approvals_approvalrequest RENAME CONSTRAINT approvals_applied_only_granted TO agents_approval_applied_only_granted;\nALTER TABLE approvals_authoritylimit RENAME CONSTRAINT approvals_limit_role_xor_user TO agents_limit_role_xor_user;\nALTER TABLE approvals_authoritylimit RENAME CONSTRAINT approvals_limit_not_negative TO agents_limit_not_negative;\nALTER INDEX approvals_limit_role_unique RENAME TO agents_limit_role_unique;\nALTER INDEX approvals_limit_user_unique RENAME TO agents_limit_user_unique;",
                ),
            ],
            state_operations=[
                migrations.RemoveConstraint(
                    model_name="approvalrequest",
                    name="agents_approval_status_valid",
                ),
                migrations.RemoveConstraint(
                    model_name="approvalrequest",
                    name="agents_approval_not_own",
                ),
                migrations.RemoveConstraint(
                    model_name="approvalrequest",
                    name="agents_approval_decision_fields",
                ),
                migrations.RemoveConstraint(
                    model_name="approvalrequest",
                    name="agents_approval_reject_reason",
                ),
                migrations.RemoveConstraint(
                    model_name="approvalrequest",
                    name="agents_approval_amount_required",
                ),
                migrations.RemoveConstraint(
                    model_name="approvalrequest",
                    name="agents_approval_applied_only_granted",
                ),
                migrations.RemoveConstraint(
                    model_name="authoritylimit",
                    name="agents_limit_role_xor_user",
                ),
                migrations.RemoveConstraint(
                    model_name="authoritylimit",
                    name="agents_limit_not_negative",
                ),
                migrations.RemoveConstraint(
                    model_name="authoritylimit",
                    name="agents_limit_role_unique",
                ),
                migrations.RemoveConstraint(
                    model_name="authoritylimit",
                    name="agents_limit_user_unique",
                ),
                migrations.AddConstraint(
                    model_name="approvalrequest",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("status__in", ["pending", "approved", "rejected", "cancelled", "expired", "self_approved"])
                        ),
                        name="approvals_status_valid",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="approvalrequest",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("decided_by__isnull", True),
                            models.Q(("decided_by", models.F("requested_by")), _negated=True),
                            _connector="OR",
                        ),
                        name="approvals_not_own",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="approvalrequest",
                    constraint=models.CheckConstraint(
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
                        name="approvals_decision_fields",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="approvalrequest",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status", "rejected"), _negated=True),
                            models.Q(("decision_note", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="approvals_reject_reason",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="approvalrequest",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("kind", "exception"),
                            models.Q(("amount__gt", 0), models.Q(("currency", ""), _negated=True)),
                            _connector="OR",
                        ),
                        name="approvals_amount_required",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="approvalrequest",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("applied_at__isnull", True), ("status__in", ["approved", "self_approved"]), _connector="OR"
                        ),
                        name="approvals_applied_only_granted",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="authoritylimit",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("role", ""), ("user__isnull", False)),
                            models.Q(models.Q(("role", ""), _negated=True), ("user__isnull", True)),
                            _connector="OR",
                        ),
                        name="approvals_limit_role_xor_user",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="authoritylimit",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("max_amount__gte", 0)), name="approvals_limit_not_negative"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="authoritylimit",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("user__isnull", True)),
                        fields=("role", "kind", "currency"),
                        name="approvals_limit_role_unique",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="authoritylimit",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("user__isnull", False)),
                        fields=("user", "kind", "currency"),
                        name="approvals_limit_user_unique",
                    ),
                ),
            ],
        ),
    ]

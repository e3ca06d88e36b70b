"""Constraint and index names of the moved tables follow the app (``integrations_...``); renamed in place.

Nothing is dropped or rebuilt: the database renames each constraint or index, and the state swaps
the old definition for the same one under its new name.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE integrations_idempotencyrecord RENAME CONSTRAINT agents_idempotency_unique TO integrations_idempotency_unique;",
                    "ALTER TABLE integrations_idempotencyrecord RENAME CONSTRAINT integrations_idempotency_unique TO agents_idempotency_unique;",
                ),
            ],
            state_operations=[
                migrations.RemoveConstraint(
                    model_name="idempotencyrecord",
                    name="agents_idempotency_unique",
                ),
                migrations.AddConstraint(
                    model_name="idempotencyrecord",
                    constraint=models.UniqueConstraint(fields=("scope", "key"), name="integrations_idempotency_unique"),
                ),
            ],
        ),
    ]

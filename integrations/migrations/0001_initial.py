"""The integrations models, moved out of ``agents`` with their rows.

The tables already exist (created by agents 0004/0005): the state takes them over
as they are, then each is renamed to this app's name; nothing is copied, so every
row, constraint, index and trigger stays in place (tested on a seeded database).
"""

import django.contrib.postgres.fields
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MOVED = ["apitoken", "idempotencyrecord", "webhooksubscription", "webhookdelivery"]


def move_content_types(apps, schema_editor):
    # Permissions and admin history point at content types: keep the rows, change their app.
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="agents", model__in=MOVED).update(app_label="integrations")


def move_content_types_back(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="integrations", model__in=MOVED).update(app_label="agents")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("agents", "0005_api_tokens_webhooks"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ApiToken",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True, db_index=True)),
                        ("name", models.CharField(max_length=100)),
                        ("prefix", models.CharField(db_index=True, max_length=12)),
                        ("key_hash", models.CharField(max_length=64, unique=True)),
                        ("expires_at", models.DateTimeField(blank=True, null=True)),
                        ("last_used_at", models.DateTimeField(blank=True, null=True)),
                        ("revoked_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="api_tokens",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "agents_apitoken",
                        "verbose_name": "API token",
                        "ordering": ["-created_at"],
                    },
                ),
                migrations.CreateModel(
                    name="IdempotencyRecord",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "scope",
                            models.CharField(
                                help_text="Who sent it: a hash of the token or the session's user.", max_length=64
                            ),
                        ),
                        ("key", models.CharField(max_length=200)),
                        ("fingerprint", models.CharField(help_text="Hash of method, path and body.", max_length=64)),
                        ("status_code", models.PositiveSmallIntegerField(blank=True, null=True)),
                        ("response_body", models.BinaryField(blank=True, null=True)),
                        ("content_type", models.CharField(blank=True, max_length=100)),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                    ],
                    options={
                        "db_table": "agents_idempotencyrecord",
                        "constraints": [
                            models.UniqueConstraint(fields=("scope", "key"), name="agents_idempotency_unique")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="WebhookSubscription",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True, db_index=True)),
                        ("url", models.URLField(max_length=500)),
                        ("secret", models.CharField(help_text="Signs each delivery (HMAC-SHA256).", max_length=64)),
                        (
                            "events",
                            django.contrib.postgres.fields.ArrayField(
                                base_field=models.CharField(max_length=40),
                                help_text="Event names, e.g. ticket.created.",
                                size=None,
                            ),
                        ),
                        ("is_active", models.BooleanField(default=True)),
                        ("consecutive_failures", models.PositiveIntegerField(default=0)),
                        ("disabled_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "allow_private",
                            models.BooleanField(
                                default=False, help_text="Admins only: allow a URL on this server's private network."
                            ),
                        ),
                        (
                            "owner",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="webhooks",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "agents_webhooksubscription",
                        "ordering": ["id"],
                    },
                ),
                migrations.CreateModel(
                    name="WebhookDelivery",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("event", models.CharField(max_length=40)),
                        ("payload", models.JSONField()),
                        ("attempts", models.PositiveSmallIntegerField(default=0)),
                        ("status_code", models.PositiveSmallIntegerField(blank=True, null=True)),
                        ("error", models.CharField(blank=True, max_length=300)),
                        ("duration_ms", models.PositiveIntegerField(blank=True, null=True)),
                        ("delivered_at", models.DateTimeField(blank=True, null=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("last_attempt_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "subscription",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="deliveries",
                                to="integrations.webhooksubscription",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "agents_webhookdelivery",
                        "verbose_name_plural": "webhook deliveries",
                        "ordering": ["-created_at"],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="apitoken", table=None),
        migrations.AlterModelTable(name="idempotencyrecord", table=None),
        migrations.AlterModelTable(name="webhooksubscription", table=None),
        migrations.AlterModelTable(name="webhookdelivery", table=None),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]

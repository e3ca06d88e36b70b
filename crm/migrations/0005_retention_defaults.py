"""Sensible retention defaults; admins change them in the admin."""

from django.db import migrations

DEFAULTS = [
    # target, keep_days, action
    ("call_notes", 365 * 2, "anonymize"),
    ("closed_tickets", 365 * 3, "delete"),
    ("notes", 365 * 3, "delete"),
    ("access_log", 365, "delete"),
    ("notifications", 90, "delete"),
    ("audit_events", 365 * 6, "delete"),
    ("inactive_customers", 365 * 5, "anonymize"),
]


def create(apps, schema_editor):
    RetentionPolicy = apps.get_model("crm", "RetentionPolicy")
    for target, keep_days, action in DEFAULTS:
        RetentionPolicy.objects.get_or_create(target=target, defaults={"keep_days": keep_days, "action": action})


class Migration(migrations.Migration):
    dependencies = [("crm", "0004_privacy")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]

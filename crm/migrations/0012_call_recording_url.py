"""Calls carry telephony's recording link (QA reviewers read it), with a database default so bulk SQL
inserts (the scale generator) need not name it."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0011_alter_retentionpolicy_target"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="call",
            options={
                "ordering": ["-started_at", "-id"],
                "permissions": [("view_call_recording", "Can read call recording links")],
            },
        ),
        migrations.AddField(
            model_name="call",
            name="recording_url",
            field=models.URLField(blank=True, db_default="", max_length=500),
        ),
    ]

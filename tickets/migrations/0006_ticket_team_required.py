"""Every ticket is in a team's queue (0005 gave the old ones a team)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("tickets", "0005_every_ticket_in_a_queue")]

    operations = [
        migrations.AlterField(
            model_name="ticket",
            name="team",
            field=models.ForeignKey(on_delete=models.deletion.PROTECT, related_name="tickets", to="agents.team"),
        ),
    ]

"""Approvals and integration records now belong to their own apps (approvals 0001, integrations 0001).

State only: those migrations took the tables over and renamed them; here agents forgets the models.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("agents", "0005_api_tokens_webhooks"),
        ("approvals", "0001_initial"),
        ("integrations", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ApprovalRequest"),
                migrations.DeleteModel(name="AuthorityLimit"),
                migrations.DeleteModel(name="ApiToken"),
                migrations.DeleteModel(name="IdempotencyRecord"),
                migrations.DeleteModel(name="WebhookDelivery"),
                migrations.DeleteModel(name="WebhookSubscription"),
            ],
            database_operations=[],
        ),
    ]

"""A subscription created, deleted, switched on or off, or listening to other events moves every program's
settings version (agents 0016), so processes read again which events are listened to
(``integrations.services.webhooks.webhook_fan_out``). Counting a subscription's failed deliveries moves
nothing."""

from django.db import migrations

TRIGGERS_SQL = """
CREATE TRIGGER integrations_webhooksubscription_config_added AFTER INSERT OR DELETE
  ON integrations_webhooksubscription
  FOR EACH STATEMENT EXECUTE FUNCTION agents_programs_config_changed();
CREATE TRIGGER integrations_webhooksubscription_config_changed AFTER UPDATE ON integrations_webhooksubscription
  FOR EACH ROW WHEN (OLD.is_active IS DISTINCT FROM NEW.is_active OR OLD.events IS DISTINCT FROM NEW.events)
  EXECUTE FUNCTION agents_programs_config_changed();
"""
DROP_SQL = """
DROP TRIGGER integrations_webhooksubscription_config_added ON integrations_webhooksubscription;
DROP TRIGGER integrations_webhooksubscription_config_changed ON integrations_webhooksubscription;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("agents", "0016_program_config_version"),
        ("integrations", "0003_delivery_outbox"),
    ]

    operations = [migrations.RunSQL(TRIGGERS_SQL, DROP_SQL)]

from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = "Integrations"

    # Integrations learn about the rest of the product only from domain events (DESIGN.md, layers).
    event_subscribers = ["integrations.services.webhooks.webhook_fan_out"]
    # Kept in memory per program (which events webhooks listen to), forgotten on every change: agents.settings_cache.
    program_settings = ["integrations.models.WebhookSubscription"]

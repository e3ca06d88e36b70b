from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = "Integrations"

    # Integrations learn about the rest of the product only from domain events (DESIGN.md, layers).
    event_subscribers = ["integrations.services.webhooks.webhook_fan_out"]

    def ready(self) -> None:
        from agents.settings_cache import watch
        from integrations.models import WebhookSubscription

        watch(WebhookSubscription)  # which events are listened to (integrations.services.webhooks)

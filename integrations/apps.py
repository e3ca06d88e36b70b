from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = "Integrations"

    def ready(self) -> None:
        # Integrations learn about the rest of the product only from domain events (DESIGN.md, layers).
        from config.events import subscribe
        from integrations.services.webhooks import webhook_fan_out

        subscribe(webhook_fan_out)

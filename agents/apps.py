from django.apps import AppConfig


class AgentsConfig(AppConfig):
    name = "agents"
    verbose_name = "People and organisation"

    def ready(self) -> None:
        from agents import signals  # noqa: F401  (connects the login audit receivers)
        from agents.services.webhooks import webhook_fan_out
        from config.events import subscribe

        subscribe(webhook_fan_out)

    customer_panels = ["agents.panels.customer_approvals_panel"]
    customer_timeline_sources = ["agents.panels.approvals_timeline"]
    ticket_panels = ["agents.panels.ticket_approvals_panel"]

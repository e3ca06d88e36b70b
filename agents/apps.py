from django.apps import AppConfig


class AgentsConfig(AppConfig):
    name = "agents"
    verbose_name = "People and organisation"

    def ready(self) -> None:
        from agents import signals  # noqa: F401  (connects the login audit receivers)

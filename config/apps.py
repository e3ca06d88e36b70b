from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """The project package as an app: cross-app commands (run, seed_demo) and health checks."""

    name = "config"
    verbose_name = "Switchboard"

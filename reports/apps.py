from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports"

    workspace_panels = ["reports.panels.my_numbers_panel"]

from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = "Approvals"

    customer_panels = ["approvals.panels.customer_approvals_panel"]
    customer_timeline_sources = ["approvals.panels.approvals_timeline"]
    ticket_panels = ["approvals.panels.ticket_approvals_panel"]

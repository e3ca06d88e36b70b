from django.apps import AppConfig


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = "Customers and calls"

    # What crm itself puts on the customer page and the workspace (see config/pages.py).
    customer_panels = ["crm.panels.recent_calls_panel", "crm.panels.calling_panel", "crm.panels.duplicates_panel"]
    customer_timeline_sources = ["crm.panels.calls_timeline", "crm.panels.notes_timeline"]
    workspace_panels = ["crm.panels.my_recent_calls_panel"]
    # An agent on a call, or with one waiting for its wrap-up code, is not available (agents.services.states).
    availability_blockers = ["crm.services.live_calls.call_in_hand"]

    def ready(self) -> None:
        from crm import signals

        signals.connect()

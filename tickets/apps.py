from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = "Tickets and follow-ups"

    customer_panels = ["tickets.panels.open_tickets_panel", "tickets.panels.follow_ups_panel"]
    customer_timeline_sources = ["tickets.panels.tickets_timeline"]
    workspace_panels = ["tickets.panels.overdue_follow_ups_panel", "tickets.panels.my_tickets_panel"]
    call_panels = ["tickets.panels.call_ticket_panel"]
    customer_open_tickets = ["tickets.selectors.ticket_open_for_customer"]
    retention_planners = ["tickets.retention.closed_tickets_plan"]
    customer_search_sources = ["tickets.selectors.customers_by_ticket_number"]
    # Kept in memory per program (the SLA clock's), forgotten on every change: agents.settings_cache.
    program_settings = ["tickets.models.SlaPolicy", "tickets.models.BusinessHours"]

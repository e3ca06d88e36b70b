from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "knowledge"
    verbose_name = "Knowledge base"

    ticket_panels = ["knowledge.panels.ticket_suggestions_panel"]
    call_panels = ["knowledge.panels.call_suggestions_panel"]

from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "quality"
    verbose_name = "Quality"

    # A survey owed is written in the transaction of the call or ticket event that owes it (DESIGN.md, 11).
    event_subscribers = ["quality.services.surveys.surveys_owed_on_event"]
    customer_panels = ["quality.panels.customer_surveys_panel"]
    customer_timeline_sources = ["quality.panels.surveys_timeline"]
    retention_planners = ["quality.retention.survey_comments_plan"]
    # Kept in memory per program (the survey policy), forgotten on every change: agents.settings_cache.
    program_settings = ["quality.models.SurveyPolicy"]

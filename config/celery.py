"""The Celery application shared by workers, beat and the web processes."""

import logging
import os

from celery import Celery, signals

from config.redaction import RedactingFilter

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("switchboard")


@signals.after_setup_logger.connect
@signals.after_setup_task_logger.connect
def _redact_worker_logs(logger: logging.Logger, **kwargs: object) -> None:
    """Celery sets up its own log handlers in workers and beat: they get the card redaction filter too."""
    for handler in logger.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())


app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

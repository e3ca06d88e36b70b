"""The Celery application shared by workers, beat and the web processes."""

import logging
import os

from celery import Celery, signals

from config.logs import RoutineAtDebug
from config.redaction import RedactingFilter

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("switchboard")


@signals.after_setup_logger.connect
@signals.after_setup_task_logger.connect
def _redact_worker_logs(logger: logging.Logger, **kwargs: object) -> None:
    """Celery sets up its own log handlers in workers and beat: they get the card redaction filter too, and
    the heartbeat's routine lines go to DEBUG (config/logs.py)."""
    for handler in logger.handlers:
        for kind in (RedactingFilter, RoutineAtDebug):
            if not any(isinstance(f, kind) for f in handler.filters):
                handler.addFilter(kind())


app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

"""What the logs leave out: the product answering as designed is not news.

- A 403 or 404 is an expected refusal: one line (``Forbidden (Permission denied): /path``), no traceback.
- The worker's heartbeat (every few seconds, for ``/readyz``) is routine: its task lines (received, succeeded,
  sent by beat) are logged only when ``LOG_LEVEL`` is ``DEBUG``.
"""

from __future__ import annotations

import logging

ROUTINE_TASKS = ("config.tasks.heartbeat", "worker-heartbeat")


class ExpectedRefusals(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) in (403, 404):
            record.exc_info = None
            record.exc_text = None
        return True


class RoutineAtDebug(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.INFO or not any(name in record.getMessage() for name in ROUTINE_TASKS):
            return True
        return logging.getLogger().isEnabledFor(logging.DEBUG)

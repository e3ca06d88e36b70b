"""Process-level tasks: the worker heartbeat that /readyz reads."""

import time

from celery import shared_task

from config import health


@shared_task(name="config.tasks.heartbeat", ignore_result=True, time_limit=10, soft_time_limit=5)
def heartbeat() -> None:
    health.record_worker_heartbeat(time.time())

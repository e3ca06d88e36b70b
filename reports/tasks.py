from celery import shared_task

from reports.services.rollup import metrics_rollup


# A restatement after a threshold change may read a year of calls, a day per transaction.
@shared_task(name="reports.metrics_rollup", soft_time_limit=1700, time_limit=1800)
def metrics_rollup_task() -> dict[str, int]:
    return metrics_rollup()

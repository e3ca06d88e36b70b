from celery import shared_task

from approvals.services import approvals_age


@shared_task(name="approvals.approvals_age", soft_time_limit=110, time_limit=120)
def approvals_age_task() -> dict[str, int]:
    return approvals_age()

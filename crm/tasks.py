from __future__ import annotations

from celery import shared_task

from crm.services.erasure import data_request_process, data_requests_process_due
from crm.services.retention import retention_run


@shared_task(name="crm.data_request_process", soft_time_limit=290, time_limit=300)
def data_request_process_task(request_id: int) -> None:
    data_request_process(request_id=request_id)


@shared_task(name="crm.data_requests_process_due", soft_time_limit=290, time_limit=300)
def data_requests_process_due_task() -> int:
    return data_requests_process_due()


@shared_task(name="crm.retention_run", soft_time_limit=3500, time_limit=3600)
def retention_run_task() -> dict[str, int]:
    return retention_run()

from typing import Any

from celery import shared_task

from integrations.idempotency import idempotency_records_purge
from integrations.services.webhooks import webhook_deliver


@shared_task(name="integrations.webhook_deliver", bind=True, max_retries=6, soft_time_limit=30, time_limit=40)
def webhook_deliver_task(self: Any, delivery_id: int) -> bool:
    # The delivery row records each attempt; a retry re-reads it, so a duplicate run after success sends nothing.
    if not webhook_deliver(delivery_id=delivery_id):
        raise self.retry(countdown=min(2**self.request.retries * 10, 3600))
    return True


@shared_task(name="integrations.idempotency_records_purge", soft_time_limit=110, time_limit=120)
def idempotency_records_purge_task() -> int:
    return idempotency_records_purge()

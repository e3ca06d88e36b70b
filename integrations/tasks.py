from celery import shared_task

from integrations.idempotency import idempotency_records_purge
from integrations.services.webhooks import webhook_deliver, webhook_deliveries_dispatch


@shared_task(name="integrations.webhook_deliver", soft_time_limit=30, time_limit=40)
def webhook_deliver_task(delivery_id: int) -> bool:
    # The fast path right after commit. Retries are not Celery's: the row carries next_attempt_at and the
    # dispatcher below sends what is due, so a lost message or a second run sends nothing twice.
    return webhook_deliver(delivery_id=delivery_id)


@shared_task(name="integrations.webhook_deliveries_dispatch", soft_time_limit=55, time_limit=60)
def webhook_deliveries_dispatch_task() -> int:
    return webhook_deliveries_dispatch()


@shared_task(name="integrations.idempotency_records_purge", soft_time_limit=110, time_limit=120)
def idempotency_records_purge_task() -> int:
    return idempotency_records_purge()

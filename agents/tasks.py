from typing import Any

from celery import shared_task

from agents import services


@shared_task(name="agents.notification_email", acks_late=True, time_limit=60, soft_time_limit=45)
def notification_email(notification_id: int) -> None:
    # acks_late is safe: the service stamps emailed_at under a row lock, so a redelivery sends nothing.
    services.notification_email_send(notification_id=notification_id)


@shared_task(name="agents.approvals_age", soft_time_limit=110, time_limit=120)
def approvals_age_task() -> dict[str, int]:
    from agents.services.approvals import approvals_age

    return approvals_age()


@shared_task(name="agents.webhook_deliver", bind=True, max_retries=6, soft_time_limit=30, time_limit=40)
def webhook_deliver_task(self: Any, delivery_id: int) -> bool:
    from agents.services.webhooks import webhook_deliver

    # The delivery row records each attempt; a retry re-reads it, so a duplicate run after success sends nothing.
    if not webhook_deliver(delivery_id=delivery_id):
        raise self.retry(countdown=min(2**self.request.retries * 10, 3600))
    return True


@shared_task(name="agents.idempotency_records_purge", soft_time_limit=110, time_limit=120)
def idempotency_records_purge_task() -> int:
    from config.api.idempotency import idempotency_records_purge

    return idempotency_records_purge()

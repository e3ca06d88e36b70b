from celery import shared_task

from agents import services


@shared_task(name="agents.notification_email", acks_late=True, time_limit=60, soft_time_limit=45)
def notification_email(notification_id: int) -> None:
    # acks_late is safe: the service stamps emailed_at under a row lock, so a redelivery sends nothing.
    services.notification_email_send(notification_id=notification_id)


@shared_task(name="agents.notification_emails_dispatch", soft_time_limit=110, time_limit=120)
def notification_emails_dispatch_task() -> int:
    return services.notification_emails_dispatch()


@shared_task(name="agents.agent_states_sweep_idle", soft_time_limit=50, time_limit=60)
def agent_states_sweep_idle_task() -> int:
    return services.agent_states_sweep_idle()

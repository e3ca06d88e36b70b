"""Periodic ticket work: each task claims its rows from the database (see the services)."""

from __future__ import annotations

from celery import shared_task

from tickets.services.follow_ups import follow_ups_deliver_due
from tickets.services.sla import sla_check


@shared_task(name="tickets.follow_ups_deliver_due", soft_time_limit=55, time_limit=60)
def follow_ups_deliver_due_task() -> int:
    return follow_ups_deliver_due()


@shared_task(name="tickets.sla_check", soft_time_limit=110, time_limit=120)
def sla_check_task() -> dict[str, int]:
    return sla_check()

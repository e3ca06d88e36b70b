"""Periodic ticket work: each task claims its rows from the database (see the services)."""

from __future__ import annotations

from celery import shared_task

from tickets.services.follow_ups import follow_ups_deliver_due
from tickets.services.sla import sla_check, sla_recompute_owed


@shared_task(name="tickets.follow_ups_deliver_due", soft_time_limit=55, time_limit=60)
def follow_ups_deliver_due_task() -> int:
    return follow_ups_deliver_due()


@shared_task(name="tickets.sla_check", soft_time_limit=110, time_limit=120)
def sla_check_task() -> dict[str, int]:
    return sla_check()


# Also on the beat ("sla-recompute"), so a change made while the broker was down is carried out.
@shared_task(name="tickets.sla_recompute", soft_time_limit=1700, time_limit=1800)
def sla_recompute_task() -> int:
    return sla_recompute_owed()

"""The rollup as production runs it: Celery beat schedules it, a real worker runs it on the real broker."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from crm.models import Call, CallState
from reports.models import CallInterval
from reports.tests.factories import inbound_call


def _wait_for(check, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.25)
    return False


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_beat_keeps_the_rollups_current_and_counts_a_late_change(world, celery_processes):
    now = timezone.now()
    live = inbound_call(world.program_a, at=now - timedelta(minutes=2), agent=world.agent, wait=5, ended=False)
    celery_processes.env["METRICS_ROLLUP_SECONDS"] = "0.5"
    celery_processes.start_worker("w1", concurrency=1)
    celery_processes.start_beat("beat1")

    def offered() -> int:
        return sum(CallInterval.objects.filter(program=world.program_a).values_list("offered", flat=True))

    assert _wait_for(lambda: offered() == 1), "the beat's rollup never counted the call"
    assert not CallInterval.objects.filter(handled__gt=0).exists()  # still talking
    Call.objects.filter(pk=live.pk).update(
        ended_at=timezone.now(), talk_seconds=100, state=CallState.COMPLETED, updated_at=timezone.now()
    )
    assert _wait_for(lambda: CallInterval.objects.filter(handled=1).exists()), "the late end was never counted"
    assert offered() == 1  # rewritten, not counted twice

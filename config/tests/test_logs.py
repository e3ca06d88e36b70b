"""The logs keep what is news: an expected refusal is one line without a traceback, the heartbeat is quiet."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from config.logs import RoutineAtDebug

pytestmark = pytest.mark.django_db


def test_a_403_and_a_404_log_one_line_without_a_traceback(client, world, caplog):
    client.force_login(world.agent)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get(reverse("crm:data_export", args=[1])).status_code == 403
        assert client.get("/customers/999999/").status_code == 404
    refusals = [r for r in caplog.records if r.name == "django.request"]
    assert [r.status_code for r in refusals] == [403, 404]
    assert all(r.exc_info is None and r.exc_text is None for r in refusals)
    assert "Traceback" not in caplog.text


def test_the_heartbeat_is_logged_only_at_debug():
    routine = RoutineAtDebug()
    heartbeat = logging.LogRecord("celery.app.trace", logging.INFO, "", 0, "Task %s succeeded", (
        "config.tasks.heartbeat[1]",), None)  # fmt: skip
    other = logging.LogRecord("celery.app.trace", logging.INFO, "", 0, "Task %s succeeded", ("tickets.sla_check",),
                              None)  # fmt: skip
    root = logging.getLogger()
    level = root.level
    try:
        root.setLevel(logging.INFO)
        assert (routine.filter(heartbeat), routine.filter(other)) == (False, True)
        root.setLevel(logging.DEBUG)
        assert routine.filter(heartbeat) is True
    finally:
        root.setLevel(level)

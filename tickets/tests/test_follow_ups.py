"""Scheduled callbacks: entered in the customer's zone, reminded exactly once, overdue ones visible."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from agents.models import Notification
from config.events import subscribe, unsubscribe
from crm.tests.factories import customer_with_phone
from tickets.models import FollowUp, Ticket
from tickets.services.follow_ups import follow_up_cancel, follow_up_complete, follow_up_schedule, follow_ups_deliver_due
from tickets.services.tickets import ticket_create, ticket_transition


@pytest.fixture
def ticket(world):
    customer = customer_with_phone(world.program_a, time_zone="Asia/Tokyo")
    return ticket_create(actor=world.agent, program=world.program_a, subject="Callback", customer=customer)


@pytest.mark.django_db
def test_due_time_is_read_in_the_customers_time_zone(world, ticket):
    follow_up = follow_up_schedule(actor=world.agent, ticket=ticket, due_at=datetime(2030, 1, 15, 9, 0))
    assert follow_up.due_at == datetime(2030, 1, 15, 0, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_due_reminder_is_delivered_once_and_reopens_a_waiting_ticket(world, ticket):
    ticket = ticket_transition(actor=world.agent, ticket=ticket, status="pending_customer")
    follow_up = follow_up_schedule(
        actor=world.agent, ticket=ticket, due_at=timezone.now() + timedelta(seconds=1), reopen_ticket=True
    )
    FollowUp.objects.filter(pk=follow_up.pk).update(due_at=timezone.now() - timedelta(seconds=1))
    assert follow_ups_deliver_due() == 1
    assert follow_ups_deliver_due() == 0
    notification = Notification.objects.get(kind="follow_up.due")
    assert notification.recipient == world.agent
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN


@pytest.mark.django_db
def test_done_and_cancelled_are_explicit_and_not_reminded(world, ticket):
    done = follow_up_schedule(actor=world.agent, ticket=ticket, due_at=timezone.now() + timedelta(minutes=5))
    cancelled = follow_up_schedule(actor=world.agent, ticket=ticket, due_at=timezone.now() + timedelta(minutes=5))
    follow_up_complete(actor=world.agent, follow_up=done)
    follow_up_cancel(actor=world.agent, follow_up=cancelled)
    FollowUp.objects.update(due_at=timezone.now() - timedelta(minutes=1))
    assert follow_ups_deliver_due() == 0
    with pytest.raises(Exception, match="from 'done' to 'cancelled'"):
        follow_up_cancel(actor=world.agent, follow_up=done)


@pytest.mark.django_db
def test_past_time_is_refused(world, ticket):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="future"):
        follow_up_schedule(actor=world.agent, ticket=ticket, due_at=timezone.now() - timedelta(hours=1))


@pytest.mark.django_db
def test_overdue_follow_ups_show_on_the_workspace(client, world, ticket):
    follow_up = follow_up_schedule(actor=world.agent, ticket=ticket, due_at=timezone.now() + timedelta(minutes=1))
    FollowUp.objects.filter(pk=follow_up.pk).update(due_at=timezone.now() - timedelta(hours=2))
    client.force_login(world.agent)
    page = client.get(reverse("home")).content.decode()
    assert f'data-follow-up="{follow_up.pk}"' in page
    client.force_login(world.supervisor)
    page = client.get(reverse("home")).content.decode()
    assert f'data-team-follow-up="{follow_up.pk}"' in page


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_two_thousand_due_reminders_delivered_exactly_once_by_two_workers_and_two_beats(world, celery_processes):
    """DESIGN.md invariant 2 with real processes: two workers, two beats, one worker killed mid-run."""
    customer = customer_with_phone(world.program_a)
    due = timezone.now() - timedelta(seconds=5)
    FollowUp.objects.bulk_create(
        FollowUp(program=world.program_a, customer=customer, owner=world.agent, due_at=due, note=f"#{i}")
        for i in range(2000)
    )
    celery_processes.env["FOLLOW_UP_DISPATCH_SECONDS"] = "0.5"
    first = celery_processes.start_worker("w1", concurrency=2)
    celery_processes.start_worker("w2", concurrency=2)
    celery_processes.start_beat("beat1")
    celery_processes.start_beat("beat2")

    deadline = time.monotonic() + 90
    while not _holds_claimed_follow_ups("switchboard-w1") and time.monotonic() < deadline:
        time.sleep(0.01)
    # w1 is inside a batch: its transaction holds claimed rows. SIGKILL now; that batch must roll back.
    assert _holds_claimed_follow_ups("switchboard-w1"), "w1 never claimed a batch"
    celery_processes.stop(first, kill=True)
    while FollowUp.objects.filter(notified_at__isnull=True).exists() and time.monotonic() < deadline:
        time.sleep(0.5)

    assert not FollowUp.objects.filter(notified_at__isnull=True).exists()
    assert Notification.objects.filter(kind="follow_up.due").count() == 2000
    keys = Notification.objects.filter(kind="follow_up.due").values_list("dedupe_key", flat=True)
    assert len(set(keys)) == 2000


def _holds_claimed_follow_ups(application_name: str) -> bool:
    """Whether a session of that worker is in a transaction holding FOR UPDATE claims on follow-ups."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT EXISTS (
              SELECT 1 FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
               WHERE a.application_name = %s AND l.relation = 'tickets_followup'::regclass
                 AND l.mode = 'RowShareLock' AND l.granted)
            """,
            [application_name],
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_reopening_by_a_due_follow_up_goes_through_the_state_machine(world, ticket, django_capture_on_commit_callbacks):
    """The reopen is an ordinary transition: a status event on the timeline and a ``ticket.updated`` webhook event."""
    heard: list[tuple[str, dict]] = []
    subscriber = subscribe(lambda event, program_id, payload, program: heard.append((event, payload)))
    try:
        ticket = ticket_transition(actor=world.agent, ticket=ticket, status="pending_customer")
        follow_up = follow_up_schedule(
            actor=world.agent, ticket=ticket, due_at=timezone.now() + timedelta(seconds=1), reopen_ticket=True
        )
        FollowUp.objects.filter(pk=follow_up.pk).update(due_at=timezone.now() - timedelta(seconds=1))
        heard.clear()
        with django_capture_on_commit_callbacks(execute=True):
            assert follow_ups_deliver_due() == 1
    finally:
        unsubscribe(subscriber)
    event = ticket.events.filter(kind="status").order_by("-id").first()
    assert (event.old_value, event.new_value, event.actor) == ("pending_customer", "open", None)
    assert ("ticket.updated", {"ticket_id": ticket.pk, "changed": ["status"]}) in heard


@pytest.mark.django_db
def test_a_time_the_clocks_skip_is_refused(world):
    from django.core.exceptions import ValidationError

    customer = customer_with_phone(world.program_a, time_zone="America/New_York")
    ticket = ticket_create(actor=world.agent, subject="Callback", customer=customer)
    with pytest.raises(ValidationError, match="does not exist") as refused:
        follow_up_schedule(actor=world.agent, ticket=ticket, due_at=datetime(2030, 3, 10, 2, 30))  # spring forward
    assert "due_at" in refused.value.message_dict
    assert not FollowUp.objects.exists()


@pytest.mark.django_db
def test_callbacks_are_typed_and_shown_in_the_customers_time_with_its_zone(client, world):
    world.agent.time_zone = "Europe/Paris"
    world.agent.save(update_fields=["time_zone"])
    customer = customer_with_phone(world.program_a, time_zone="America/New_York")
    ticket = ticket_create(actor=world.agent, subject="Callback", customer=customer)
    client.force_login(world.agent)
    client.post(reverse("tickets:follow_up_add", args=[ticket.pk]), {"due_at": "2030-06-03T10:30", "note": ""})
    follow_up = FollowUp.objects.get()
    assert follow_up.due_at == datetime(2030, 6, 3, 14, 30, tzinfo=UTC)  # 10:30 in New York (EDT)
    page = client.get(reverse("crm:customer_detail", args=[customer.pk])).content.decode()
    assert "10:30 (America/New_York)" in page
    assert "16:30 your time" in page  # the agent's Paris time


@pytest.mark.django_db
def test_the_api_refuses_a_callback_time_without_offset(world):
    from rest_framework.test import APIClient

    customer = customer_with_phone(world.program_a, time_zone="America/New_York")
    api = APIClient()
    api.force_authenticate(world.agent)
    naive = api.post("/api/v1/follow-ups/", {"customer": customer.pk, "due_at": "2030-06-03T10:30:00"}, format="json")
    assert naive.status_code == 400
    assert "offset" in naive.json()["details"]["due_at"][0]
    aware = api.post(
        "/api/v1/follow-ups/", {"customer": customer.pk, "due_at": "2030-06-03T10:30:00-04:00"}, format="json"
    )
    assert aware.status_code == 201, aware.json()
    assert FollowUp.objects.get().due_at == datetime(2030, 6, 3, 14, 30, tzinfo=UTC)

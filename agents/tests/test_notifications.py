"""The notification inbox and the unread badge every page shows."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agents.models import Notification
from agents.services import notification_send

pytestmark = pytest.mark.django_db


def test_badge_counts_unread_and_the_inbox_lists_newest_first(client, world):
    notification_send(recipient=world.agent, kind="approval", title="Refund approved", url="/approvals/")
    notification_send(recipient=world.agent, kind="follow_up", title="Call back Ms Diaz")
    notification_send(recipient=world.supervisor, kind="sla", title="Not yours")
    client.force_login(world.agent)

    badge = client.get(reverse("agents:notification_badge")).content.decode()
    assert 'data-unread="2"' in badge
    page = client.get(reverse("agents:notification_list")).content.decode()
    assert page.index("Call back Ms Diaz") < page.index("Refund approved")
    assert "Not yours" not in page


def test_reading_a_notification_opens_its_page_and_clears_the_badge(client, world):
    notification, _ = notification_send(recipient=world.agent, kind="approval", title="Done", url="/approvals/")
    client.force_login(world.agent)
    response = client.post(reverse("agents:notification_read", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/approvals/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert "data-unread" not in client.get(reverse("agents:notification_badge")).content.decode()


def test_off_site_link_is_not_followed(client, world):
    notification, _ = notification_send(recipient=world.agent, kind="x", title="t", url="https://evil.example/")
    client.force_login(world.agent)
    response = client.post(reverse("agents:notification_read", args=[notification.pk]))
    assert response["Location"] == reverse("agents:notification_list")


def test_someone_elses_notification_is_404(client, world):
    notification, _ = notification_send(recipient=world.supervisor, kind="x", title="t")
    client.force_login(world.agent)
    assert client.post(reverse("agents:notification_read", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read(client, world):
    for i in range(3):
        notification_send(recipient=world.agent, kind="x", title=f"n{i}")
    client.force_login(world.agent)
    client.post(reverse("agents:notification_read_all"))
    assert not Notification.objects.filter(recipient=world.agent, read_at__isnull=True).exists()


def test_same_dedupe_key_is_stored_once(world):
    first = notification_send(recipient=world.agent, kind="x", title="t", dedupe_key="follow-up:1:due")
    second = notification_send(recipient=world.agent, kind="x", title="t", dedupe_key="follow-up:1:due")
    assert first[1] is True
    assert second[1] is False
    assert Notification.objects.filter(dedupe_key="follow-up:1:due").count() == 1


def test_inbox_query_count_does_not_grow_with_notifications(client, world, django_assert_max_num_queries):
    client.force_login(world.agent)
    for i in range(40):
        notification_send(recipient=world.agent, kind="x", title=f"n{i}")
    # 8, plus the top bar's agent state (one query) and the call bar (one)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("agents:notification_list")).status_code == 200

"""One way to show time: the viewer's zone, one date format and one time format, recent times relative with
the exact time (zone named) on hover and focus, another zone named in the text."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone

from config.templatetags.switchboard_time import day, in_zone

NOW = datetime(2026, 11, 27, 14, 32, tzinfo=zoneinfo.ZoneInfo("UTC"))


def render(source: str, **context: object) -> str:
    return Template("{% load switchboard_time %}" + source).render(Context(context))


@pytest.fixture
def london(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    with timezone.override(zoneinfo.ZoneInfo("Europe/London")):
        yield


def test_a_recent_time_is_relative_with_the_exact_time_on_hover_and_focus(london):
    html = render("{% when at %}", at=NOW - timedelta(hours=3, minutes=5))
    assert ">3\xa0hours ago</time>" in html
    assert 'title="Fri 27 Nov 2026, 11:27 (Europe/London)"' in html
    assert 'tabindex="0"' in html
    assert 'data-exact="Fri 27 Nov 2026, 11:27 (Europe/London)"' in html
    assert 'datetime="2026-11-27T11:27:00+00:00"' in html
    assert ">in 2\xa0hours</time>" in render("{% when at %}", at=NOW + timedelta(hours=2, minutes=10))
    assert ">just now</time>" in render("{% when at %}", at=NOW - timedelta(seconds=20))


def test_an_older_time_shows_date_and_time_in_the_viewers_zone(london):
    summer = datetime(2026, 7, 1, 8, 0, tzinfo=zoneinfo.ZoneInfo("UTC"))
    html = render("{% when at %}", at=summer)
    assert ">Wed 1 Jul 2026, 09:00</time>" in html  # London's summer time, one format
    assert "tabindex" not in html
    assert ">Fri 27 Nov 2026, 13:32</time>" in render("{% when at relative=False %}", at=NOW - timedelta(hours=1))


def test_a_time_in_another_zone_names_it(london):
    html = render('{% when at zone="America/New_York" %}', at=NOW)
    assert ">Fri 27 Nov 2026, 09:32 (America/New_York)</time>" in html
    assert in_zone(NOW, "America/New_York") == "Fri 27 Nov 2026, 09:32 (America/New_York)"
    assert in_zone(NOW, "Europe/London") == "Fri 27 Nov 2026, 14:32"  # the viewer's own: not named


def test_dates_have_one_format_and_nothing_shows_as_a_dash(london):
    assert day(date(2026, 12, 1)) == "1 Dec 2026"
    assert day(datetime(2026, 12, 1, 23, 30, tzinfo=zoneinfo.ZoneInfo("UTC"))) == "1 Dec 2026"
    assert render("{% when at %}", at=None) == "—"

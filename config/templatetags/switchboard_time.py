"""One way to show time everywhere: the viewer's zone (activated per request from the user's profile), one
format for dates and one for times, recent times as "3 hours ago" with the exact time on hover and focus,
and the zone named wherever a time is shown in a zone other than the viewer's."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, timedelta

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timesince import timesince, timeuntil

register = template.Library()

DATE_FORMAT = "j M Y"  # 27 Nov 2026
TIME_FORMAT = "H:i"  # 14:32
DATETIME_FORMAT = f"D {DATE_FORMAT}, {TIME_FORMAT}"  # Fri 27 Nov 2026, 14:32
RELATIVE_WITHIN = timedelta(hours=24)


def exact(value: datetime, zone_name: str = "") -> str:
    """The exact time in ``zone_name`` (the viewer's by default), the zone always named."""
    zone_name = zone_name or timezone.get_current_timezone_name()
    local = timezone.localtime(value, zoneinfo.ZoneInfo(zone_name))
    return f"{formats.date_format(local, DATETIME_FORMAT)} ({zone_name})"


@register.simple_tag
def when(value: datetime | None, relative: bool = True, zone: str = "") -> SafeString | str:
    """``{% when ticket.resolution_due %}``: "in 3 hours" / "3 hours ago" when near, else the date and time;
    the exact time (zone named) on hover and, for relative ones, on focus. ``zone`` shows another zone's
    wall clock (a customer's), named in the text."""
    if value is None:
        return "—"
    if not isinstance(value, datetime):
        return day(value)  # a calendar day (a daily row): no time to show
    now = timezone.now()
    shown_zone = zone and zone != timezone.get_current_timezone_name()
    if relative and not shown_zone and abs(now - value) < RELATIVE_WITHIN:
        if abs(now - value) < timedelta(minutes=1):
            text = "just now"
        elif value <= now:
            text = f"{timesince(value, now, depth=1)} ago"
        else:
            text = f"in {timeuntil(value, now, depth=1)}"
        precise = exact(value)
        return format_html(
            '<time datetime="{}" title="{}" data-exact="{}" tabindex="0">{}</time>',
            value.isoformat(),
            precise,
            precise,
            text,
        )
    text = exact(value, zone) if shown_zone else formats.date_format(timezone.localtime(value), DATETIME_FORMAT)
    return format_html('<time datetime="{}" title="{}">{}</time>', value.isoformat(), exact(value), text)


@register.filter
def day(value: date | datetime | None) -> str:
    """A date, in the one date format (a datetime is first moved into the viewer's zone)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value)
    return formats.date_format(value, DATE_FORMAT)


@register.filter
def clock(value: datetime | None) -> str:
    """Just the time of day, in the viewer's zone."""
    return formats.time_format(timezone.localtime(value), TIME_FORMAT) if value is not None else ""


@register.filter
def in_zone(value: datetime | None, zone_name: str) -> str:
    """``{{ follow_up.due_at|in_zone:customer.time_zone }}``: the date and time in that zone, named when it is
    not the viewer's own."""
    if value is None:
        return ""
    zone_name = zone_name or "UTC"
    if zone_name == timezone.get_current_timezone_name():
        return formats.date_format(timezone.localtime(value, zoneinfo.ZoneInfo(zone_name)), DATETIME_FORMAT)
    return exact(value, zone_name)

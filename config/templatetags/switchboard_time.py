"""Times shown in another zone than the viewer's say which zone (a callback in the customer's time)."""

from __future__ import annotations

import zoneinfo
from datetime import datetime

from django import template
from django.utils import formats, timezone

register = template.Library()


@register.filter
def in_zone(value: datetime | None, zone_name: str) -> str:
    """``{{ follow_up.due_at|in_zone:customer.time_zone }}`` → "Tue 1 Dec 2026, 10:30 (America/New_York)";
    just the time when the zone is the viewer's own."""
    if value is None:
        return ""
    zone_name = zone_name or "UTC"
    local = timezone.localtime(value, zoneinfo.ZoneInfo(zone_name))
    shown = formats.date_format(local, "D j M Y, H:i")
    if zone_name == timezone.get_current_timezone_name():
        return shown
    return f"{shown} ({zone_name})"

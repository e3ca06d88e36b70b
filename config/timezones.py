"""Wall-clock times typed by a person, read in the zone they were meant in (DESIGN.md invariant 9)."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone


def wall_clock_to_utc(value: datetime, zone_name: str, *, field: str) -> datetime:
    """``value`` as typed in ``zone_name`` (an aware value is taken as it is), in UTC.

    A time the clocks skip (the spring-forward gap) does not exist there and is refused naming
    ``field``; a time that occurs twice (autumn) is its first occurrence.
    """
    if timezone.is_aware(value):
        return value.astimezone(UTC)
    zone = zoneinfo.ZoneInfo(zone_name or "UTC")
    placed = value.replace(tzinfo=zone, fold=0)
    if placed.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != value:
        raise ValidationError(
            {field: [f"{value:%H:%M} does not exist on {value:%-d %b %Y} in {zone_name}: the clocks skip it. "
                     "Pick another time."]}
        )  # fmt: skip
    return placed.astimezone(UTC)

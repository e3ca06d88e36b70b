"""Weekly hours and holidays: when a program calls out (crm.services.outbound) and when its teams work (the
SLA clock of tickets). One format, one reading, one arithmetic.

Hours are ``{"mon": ["09:00", "17:30"], ...}`` in a zone the caller names; a missing day is closed and
"24:00" ends a day. Durations are real elapsed time: a day the clocks go forward has an hour less, so
"open 00:00-24:00" on that day is 23 hours, as a stopwatch on the wall would say.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ALL_DAY = {day: ["00:00", "24:00"] for day in WEEKDAYS}
# How far ahead the business clock looks for open hours before it gives up (a schedule of holidays only).
HORIZON_DAYS = 3 * 366


def parse_windows(raw: Any, *, field: str = "windows") -> dict[str, tuple[time, time]]:
    """``{"mon": ["09:00", "20:00"], ...}`` checked and read ("24:00" ends a day); a bad entry names the
    field and the day."""
    if not isinstance(raw, dict):
        raise ValidationError({field: ['Give hours per weekday, e.g. {"mon": ["09:00", "20:00"]}.']})
    hours: dict[str, tuple[time, time]] = {}
    for day, span in raw.items():
        if day not in WEEKDAYS:
            raise ValidationError({field: [f"{day!r} is not a weekday (use {', '.join(WEEKDAYS)})."]})
        try:
            start, end = (time.max if str(value) == "24:00" else time.fromisoformat(str(value)) for value in span)
        except (TypeError, ValueError) as exc:
            problem = f'{day}: give a start and an end time, e.g. ["09:00", "20:00"].'
            raise ValidationError({field: [problem]}) from exc
        if not start < end:
            raise ValidationError({field: [f"{day}: the start must come before the end."]})
        hours[day] = (start, end)
    return hours


class WindowsFormField(forms.JSONField):
    """A form's hours per weekday, checked by ``parse_windows`` (the error says which day is wrong)."""

    def validate(self, value: Any) -> None:
        super().validate(value)
        try:
            parse_windows(value, field="windows")
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["windows"]) from exc


@dataclass(frozen=True)
class Window:
    """Local hours per weekday and the days that are closed."""

    hours: dict[str, tuple[time, time]]
    holidays: frozenset[date] = frozenset()

    def allows(self, local: datetime) -> bool:
        if local.date() in self.holidays:
            return False
        hours = self.hours.get(WEEKDAYS[local.weekday()])
        return hours is not None and hours[0] <= local.time() < hours[1]

    def describe(self, local: datetime) -> str:
        if local.date() in self.holidays:
            return "a holiday"
        hours = self.hours.get(WEEKDAYS[local.weekday()])
        if hours is None:
            return f"no calls on {local:%A}s"
        return f"calls between {hours[0]:%H:%M} and {hours[1]:%H:%M}"

    # --- Business time ---------------------------------------------------------------------------------

    def open_spans(self, after: datetime, zone: zoneinfo.ZoneInfo) -> Iterator[tuple[datetime, datetime]]:
        """The open stretches from ``after`` on, as UTC (start, end) pairs, the first one cut at ``after``."""
        after = after.astimezone(UTC)
        day = after.astimezone(zone).date() - timedelta(days=1)  # a span of yesterday may still be open
        for _ in range(HORIZON_DAYS):
            hours = None if day in self.holidays else self.hours.get(WEEKDAYS[day.weekday()])
            if hours is not None:
                start = _at(day, hours[0], zone)
                end = _at(day + timedelta(days=1), time.min, zone) if hours[1] == time.max else _at(day, hours[1], zone)
                if end > after:
                    yield max(start, after), end
            day += timedelta(days=1)

    def add(self, start: datetime, amount: timedelta, zone: zoneinfo.ZoneInfo) -> datetime:
        """The instant when ``amount`` of open time has passed since ``start``."""
        left = amount
        for span_start, span_end in self.open_spans(start, zone):
            if span_end - span_start >= left:
                return span_start + left
            left -= span_end - span_start
        raise ValueError("These hours are never open: nothing can fall due.")

    def between(self, start: datetime, end: datetime, zone: zoneinfo.ZoneInfo) -> timedelta:
        """Open time from ``start`` to ``end`` (zero when ``end`` is not after ``start``)."""
        total = timedelta()
        end = end.astimezone(UTC)
        for span_start, span_end in self.open_spans(start, zone):
            if span_start >= end:
                break
            total += min(span_end, end) - span_start
        return total


def _at(day: date, clock: time, zone: zoneinfo.ZoneInfo) -> datetime:
    """``clock`` on ``day`` in ``zone``, in UTC. A time the clocks skip is read with the offset before the
    change (02:30 on a spring-forward night is 03:30); a time that occurs twice is its first occurrence."""
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)

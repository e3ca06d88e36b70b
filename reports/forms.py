"""What a metrics request may ask (the API, the dashboard and the export read it the same way)."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from django import forms
from django.utils import timezone
from rest_framework import serializers

from config.api.fields import AwareDateTimeField
from config.api.serializers import Serializer
from reports.selectors import GROUPS, INTERVALS, Query

# Dates a metrics request may name: the rollups start in 2000, and a range's edges must stay computable.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(9998, 12, 31)
OUT_OF_RANGE = f"Give a date between {FIRST_DAY:%Y-%m-%d} and {LAST_DAY:%Y-%m-%d}."
# The most intervals one request may read (a year of days; a month of hours).
MAX_RANGE = {"hour": timedelta(days=31), "day": timedelta(days=400), "week": timedelta(days=400)}


class MetricsQuerySerializer(Serializer):
    """``from``/``to`` with their offsets; without them, the last 7 days up to the end of today."""

    from_ = AwareDateTimeField(required=False, help_text="Start (inclusive), e.g. 2026-11-01T00:00:00-05:00")
    to = AwareDateTimeField(required=False, help_text="End (exclusive)")
    interval = serializers.ChoiceField(choices=INTERVALS, default="day")
    group_by = serializers.ChoiceField(choices=GROUPS, default="none")
    program = serializers.IntegerField(required=False, min_value=1)
    team = serializers.IntegerField(required=False, min_value=1)
    agent = serializers.IntegerField(required=False, min_value=1, help_text="A user id")
    tz = serializers.CharField(
        required=False, max_length=64, help_text="Time zone of the intervals' edges (default: your own)"
    )

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")  # `from` is a Python keyword
        return fields

    def validate_tz(self, value: str) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise serializers.ValidationError(
                f"{value!r} is not a time zone (use a name such as Europe/Paris)."
            ) from None

    def validate_from(self, value: datetime) -> datetime:
        return _within_range(value, serializers.ValidationError)

    def validate_to(self, value: datetime) -> datetime:
        return _within_range(value, serializers.ValidationError)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # The viewer's own zone by default (a user's zone is validated when saved).
        tz = attrs.get("tz") or zoneinfo.ZoneInfo(getattr(self.context.get("user"), "time_zone", "") or "UTC")
        today = timezone.now().astimezone(tz).date()
        end = attrs.get("to") or datetime.combine(today + timedelta(days=1), time(), tzinfo=tz)
        start = attrs.get("from") or end - timedelta(days=7)
        if start >= end:
            raise serializers.ValidationError({"to": ["Must be after `from`."]})
        interval = attrs["interval"]
        if end - start > MAX_RANGE[interval]:
            raise serializers.ValidationError(
                {"from": [f"At most {MAX_RANGE[interval].days} days of {interval}s at once."]}
            )
        attrs["query"] = Query(
            start=start, end=end, interval=interval, group_by=attrs["group_by"], program=attrs.get("program"),
            team=attrs.get("team"), agent=attrs.get("agent"), tz=tz,
        )  # fmt: skip
        return attrs


class DashboardFilterForm(forms.Form):
    """The dashboard's range (whole local days, both included), interval and program or team."""

    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}), required=False)
    end = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}), required=False)
    interval = forms.ChoiceField(
        choices=[("day", "Day"), ("week", "Week"), ("hour", "Hour")], initial="day", required=False
    )
    program = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    team = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, programs: list[tuple[int, str]], teams: list[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["program"]).choices = [("", "All my programs"), *programs]
        cast(forms.ChoiceField, self.fields["team"]).choices = [("", "All my teams"), *teams]

    def clean_start(self) -> date | None:
        return _within_range(self.cleaned_data.get("start"), forms.ValidationError)

    def clean_end(self) -> date | None:
        return _within_range(self.cleaned_data.get("end"), forms.ValidationError)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", "Must be on or after the first day.")
        interval = data.get("interval") or "day"
        if start and end and (end - start) + timedelta(days=1) > MAX_RANGE[interval]:
            self.add_error("start", f"At most {MAX_RANGE[interval].days} days of {interval}s at once.")
        return data

    def query(self, *, tz: zoneinfo.ZoneInfo, today: date, group_by: str = "none") -> Query:
        """The valid form as a metrics query: local midnights, the last 14 days by default."""
        data = self.cleaned_data if self.is_valid() else {}
        end_day = data.get("end") or today
        start_day = data.get("start") or end_day - timedelta(days=13)
        return Query(
            start=datetime.combine(start_day, time(), tzinfo=tz),
            end=datetime.combine(end_day + timedelta(days=1), time(), tzinfo=tz),
            interval=data.get("interval") or "day", group_by=group_by, program=data.get("program"),
            team=data.get("team"), tz=tz,
        )  # fmt: skip


def _within_range(value: Any, error: type[Exception]) -> Any:
    """``value`` (a date or a time) when it lies within FIRST_DAY..LAST_DAY, else ``error`` saying so."""
    if value is not None:
        day = value.date() if isinstance(value, datetime) else value
        if not FIRST_DAY <= day <= LAST_DAY:
            raise error(OUT_OF_RANGE)
    return value

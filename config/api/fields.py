"""Related fields that accept only the ids the caller may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.dateparse import parse_datetime
from rest_framework import serializers
from rest_framework.relations import RelatedField


def input_request(serializer: serializers.Serializer) -> Any:
    """The request whose input ``serializer`` validates, or None: related fields are scoped only to look up
    the ids a client sent (``data=``). A serializer that only writes a record out reads ``pk`` off the
    related objects and needs no scope, so it does not pay for building one (a query set per field)."""
    if not hasattr(serializer, "initial_data"):
        return None
    return serializer.context.get("request")


def scope_related(serializer: serializers.Serializer, **querysets: QuerySet[Any]) -> None:
    """Limit each named related field to ``querysets[name]``: an id outside it is "does not exist", never a leak."""
    for name, queryset in querysets.items():
        field = serializer.fields[name]
        if not isinstance(field, RelatedField):
            raise TypeError(f"{type(serializer).__name__}.{name} is not a related field")
        field.queryset = queryset  # type: ignore[arg-type]  # the stubs type it as a manager descriptor


class AwareDateTimeField(serializers.DateTimeField):
    """A time that says which instant it is: an ISO 8601 value with ``Z`` or an offset. A wall-clock time
    without one is refused rather than guessed (it once was read as UTC while the web read it locally)."""

    default_error_messages = {
        "naive": "Send the time with its offset, e.g. 2026-12-01T10:30:00-05:00 or 2026-12-01T15:30:00Z.",
    }

    def to_internal_value(self, value: Any) -> Any:
        try:
            parsed = parse_datetime(value) if isinstance(value, str) else None
        except ValueError:  # well formed, but no such date or time (30 February, 25:61)
            self.fail("invalid", format="YYYY-MM-DDThh:mm[:ss][+HH:MM|Z]")
        if parsed is not None and parsed.tzinfo is None:
            self.fail("naive")
        return super().to_internal_value(value)

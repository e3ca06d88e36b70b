"""Related fields that accept only the ids the caller may see."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Model, QuerySet
from django.utils.dateparse import parse_datetime
from rest_framework import serializers
from rest_framework.relations import PrimaryKeyRelatedField, RelatedField

# A related field's scope: the records it accepts, as a query set, or as a lookup (id -> the record, or None
# when the caller may not see it).
Scope = QuerySet[Any] | Callable[[int], Model | None]


def input_request(serializer: serializers.Serializer) -> Any:
    """The request whose input ``serializer`` validates, or None: related fields are scoped only to look up
    the ids a client sent (``data=``). A serializer that only writes a record out reads ``pk`` off the
    related objects and needs no scope, so it does not pay for building one (a query set per field)."""
    if not hasattr(serializer, "initial_data"):
        return None
    return serializer.context.get("request")


def scope_related(serializer: serializers.Serializer, **scopes: Scope) -> None:
    """Limit each named related field to ``scopes[name]``: an id outside it is "does not exist", never a leak.

    A lookup costs nothing until the client sends that field, where a query set is built for every
    serializer; and a hand-written one (``crm.selectors.customer_ref``) skips Django's query building on
    a busy write path. A lookup needs the field to be a ``ScopedRelatedField``, as every foreign key of
    ``config.api.serializers.ModelSerializer`` is."""
    for name, scope in scopes.items():
        field = serializer.fields[name]
        if not isinstance(field, RelatedField):
            raise TypeError(f"{type(serializer).__name__}.{name} is not a related field")
        if isinstance(scope, QuerySet):
            field.queryset = scope  # type: ignore[arg-type]  # the stubs type it as a manager descriptor
        elif isinstance(field, ScopedRelatedField):
            field.lookup = scope
        else:
            raise TypeError(f"{type(serializer).__name__}.{name} takes a query set, not a lookup")


class ScopedRelatedField(PrimaryKeyRelatedField):
    """DRF's primary-key field, which ``scope_related`` may also limit by a lookup (id -> record or None)."""

    lookup: Callable[[int], Model | None] | None = None

    def to_internal_value(self, data: Any) -> Any:
        if self.lookup is None:
            return super().to_internal_value(data)
        # What the query set would take: an int, or a string of one (never True, which Python counts as 1).
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            pk = int(data)
        except ValueError:
            self.fail("incorrect_type", data_type=type(data).__name__)
        found = self.lookup(pk)
        if found is None:
            self.fail("does_not_exist", pk_value=data)
        return found


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

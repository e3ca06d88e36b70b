"""Related fields that accept only the ids the caller may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers
from rest_framework.relations import RelatedField


def scope_related(serializer: serializers.Serializer, **querysets: QuerySet[Any]) -> None:
    """Limit each named related field to ``querysets[name]``: an id outside it is "does not exist", never a leak."""
    for name, queryset in querysets.items():
        field = serializer.fields[name]
        if not isinstance(field, RelatedField):
            raise TypeError(f"{type(serializer).__name__}.{name} is not a related field")
        field.queryset = queryset  # type: ignore[arg-type]  # the stubs type it as a manager descriptor

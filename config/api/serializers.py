"""The base of every model serializer in the API."""

from __future__ import annotations

import copy
from typing import Any, ClassVar

from rest_framework import serializers

from config.api.fields import ScopedRelatedField


# DRF's ModelSerializer with its fields worked out from the model once per class, not per instance.
#
# DRF introspects the model for every serializer it makes: for one ticket written out that was over a
# third of the serializer's time, on every API response. The fields depend only on the class (its
# ``Meta`` and declared fields), so each instance gets a copy of the ones built the first time; what an
# instance changes on its own (binding, ``scope_related`` narrowing a related field to the caller's
# programs) stays on its copy.
#
# A plain field is copied attribute by attribute (a shallow copy). DRF's deep copy calls the field's
# ``__init__`` again with deep copies of its arguments (a related field's query set among them): about a
# quarter of the Python a call logged over the API cost. Nothing shared that way is changed once the
# field is built: validators, choices and error messages are only read. A list's field for each item
# (``child``, ``child_relation``) is bound to the list, so the copy gets a copy of it bound to itself; a
# nested serializer holds a whole set of bound fields and gets DRF's deep copy.
# (A comment, not a docstring: the API schema would show a docstring as every serializer's description.)
class ModelSerializer(serializers.ModelSerializer):
    _built_fields: ClassVar[dict[str, Any]]  # set on each class the first time one of its instances asks
    serializer_related_field = ScopedRelatedField  # a foreign key may be scoped by a lookup (``scope_related``)

    def get_fields(self) -> dict[str, Any]:
        built = type(self).__dict__.get("_built_fields")
        if built is None:
            built = super().get_fields()
            type(self)._built_fields = built
        return {name: _copy(field) for name, field in built.items()}


# DRF's Serializer with its declared fields copied as ``ModelSerializer`` above copies its fields.
class Serializer(serializers.Serializer):
    def get_fields(self) -> dict[str, Any]:
        return {name: _copy(field) for name, field in self._declared_fields.items()}


def _copy(field: serializers.Field) -> serializers.Field:
    if isinstance(field, serializers.BaseSerializer):
        return copy.deepcopy(field)
    # What copy.copy makes of a field (no DRF field defines __copy__ or slots), at a third of its cost.
    copied = object.__new__(type(field))
    copied.__dict__.update(field.__dict__)
    for name in ("child", "child_relation"):  # a list's or a many relation's field for each item, bound to it
        item_field = getattr(field, name, None)
        if item_field is not None:
            item_copy = _copy(item_field)
            # Bound already, as DRF binds it (no name, its source the item itself); only its parent is new
            # (a field, where the stubs expect a serializer).
            item_copy.parent = copied  # type: ignore[assignment]
            setattr(copied, name, item_copy)
    return copied

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
# ``Meta`` and declared fields), so each instance gets a deep copy of the ones built the first time,
# as DRF already does for declared fields; what an instance changes on its own (``scope_related``
# narrowing a related field to the caller's programs) stays on its copy.
# (A comment, not a docstring: the API schema would show a docstring as every serializer's description.)
class ModelSerializer(serializers.ModelSerializer):
    _built_fields: ClassVar[dict[str, Any]]  # set on each class the first time one of its instances asks
    serializer_related_field = ScopedRelatedField  # a foreign key may be scoped by a lookup (``scope_related``)

    def get_fields(self) -> dict[str, Any]:
        built = type(self).__dict__.get("_built_fields")
        if built is None:
            built = super().get_fields()
            type(self)._built_fields = built
        return copy.deepcopy(built)

"""JSON out of the API, encoded by orjson: DRF's renderer spends most of a large page's time in the stdlib
encoder (a month of per-agent metrics, 3 MB: about 300 ms on a 2-core machine, orjson a few)."""

from __future__ import annotations

from typing import Any

import orjson
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

# Times as DRF's DateTimeField writes them (ISO 8601, ``Z`` for UTC); dict keys that are ids become strings.
_OPTIONS = orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS
# What orjson does not know (lazy translations, Decimal, ...) is written as DRF writes it.
_fallback = JSONEncoder().default


class FastJSONRenderer(JSONRenderer):
    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        if data is None:
            return b""
        if self.get_indent(accepted_media_type or "", renderer_context or {}):
            return super().render(data, accepted_media_type, renderer_context)  # pretty-printing asked for
        return orjson.dumps(data, default=_fallback, option=_OPTIONS)

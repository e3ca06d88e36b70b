"""JSON bodies as the API accepts them: UTF-8 JSON, nested at most MAX_DEPTH levels, no NUL characters."""

from __future__ import annotations

import json
from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32


def _depth(value: Any, limit: int) -> int:
    """How deep ``value`` nests, counting no further than ``limit`` + 1 (iterative: no recursion to blow)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if level > limit:
            return level
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


def _has_nul(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str) and "\x00" in item:
            return True
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


class BoundedJSONParser(JSONParser):
    """DRF's parser; refuses with a 400 what would be a 500 further in (RecursionError, NUL in PostgreSQL)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(f"JSON nested deeper than {MAX_DEPTH} levels.") from exc
        except (json.JSONDecodeError, UnicodeDecodeError, ValueError) as exc:
            raise ParseError(f"The body is not valid JSON: {exc}") from exc
        if _depth(data, MAX_DEPTH) > MAX_DEPTH:
            raise ParseError(f"JSON nested deeper than {MAX_DEPTH} levels.")
        if _has_nul(data):
            raise ParseError("Text may not contain NUL characters.")
        return data

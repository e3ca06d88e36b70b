"""Request bodies over the limit get a clear 413, and NUL characters in a query string a clear 400,
before anything reads them (PostgreSQL text cannot hold NUL; it would otherwise be a 500)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.dateparse import parse_datetime


def _offset_out_of_range(value: str) -> bool:
    """PostgreSQL accepts offsets up to 15:59; Python up to 23:59. The gap would be a 500."""
    try:
        parsed = parse_datetime(value)
    except ValueError:
        return False
    offset = parsed.utcoffset() if parsed is not None else None
    return offset is not None and abs(offset) >= timedelta(hours=16)


def _invalid(message: str, details: dict[str, list[str]]) -> JsonResponse:
    return JsonResponse({"code": "invalid", "message": message, "details": details}, status=400)


class BodySizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query:
            return _invalid("The query string contains a NUL character.", {})
        if request.path.startswith("/api/"):
            for name, value in request.GET.items():
                if _offset_out_of_range(str(value)):
                    return _invalid(f"{name}: the time-zone offset is out of range.", {name: ["Out of range."]})
        limit = settings.API_MAX_BODY_BYTES
        if request.path.startswith("/api/") and length > limit:
            return JsonResponse(
                {
                    "code": "request_too_large",
                    "message": f"The request body is {length} bytes; the limit is {limit} bytes.",
                    "details": {},
                },
                status=413,
            )
        return self.get_response(request)

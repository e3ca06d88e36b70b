"""Request bodies over the limit get a clear 413 before anything reads them."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse


class BodySizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
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

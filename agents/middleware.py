"""Per-request people concerns: the viewer's time zone, and an audit event for denied access (invariant 7)."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from agents.services import audit_record


class DeniedAccessAuditMiddleware:
    """A 403, or a 404 on a URL naming one object, by a signed-in user leaves an audit event (invariant 7)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code not in (403, 404):
            return response
        user = getattr(request, "user", None)
        match = getattr(request, "resolver_match", None)
        if user is None or not user.is_authenticated or match is None:
            return response
        if response.status_code == 404 and not ({"pk", "slug", "call_pk"} & set(match.kwargs)):
            return response
        audit_record(
            action="access.denied",
            actor=user,
            request=request,
            data={
                "view": match.view_name,
                "status": response.status_code,
                "object": str(next(iter(match.kwargs.values()), "")),
            },
        )
        return response


class UserTimeZoneMiddleware:
    """Times are shown in the viewer's own zone (DESIGN.md invariant 9): activated for each request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        zone = getattr(user, "time_zone", "") if user is not None and user.is_authenticated else ""
        try:
            timezone.activate(zoneinfo.ZoneInfo(zone)) if zone else timezone.deactivate()
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

"""Domain errors in the web UI become a message, never a 500 (DESIGN.md invariant 8)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import reswap, trigger_client_event

from config.errors import DomainError, database_refusal


class DomainErrorMiddleware:
    """A service's refusal that a view did not handle itself.

    Full page: the message is flashed and the browser goes back where it came from.
    htmx request: the message comes back as the response body with the error's
    status, and ``HX-Reswap: none`` keeps the page as it was, so nothing typed is lost.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.path.startswith("/api/"):
            return None
        if isinstance(exception, IntegrityError) and (refusal := database_refusal(exception)) is not None:
            exception = refusal
        elif isinstance(exception, DataError):
            # A value the forms let through but the database cannot store: bad input, not a crash.
            exception = DomainError("A value is out of range or contains characters that cannot be stored.")
        if isinstance(exception, ValidationError):
            # A service refused the input of a one-shot action (no form to attach the errors to).
            exception = DomainError(" ".join(exception.messages))
        if not isinstance(exception, DomainError):
            return None
        if getattr(request, "htmx", False):
            response = HttpResponse(exception.message, status=exception.status_code, content_type="text/plain")
            return trigger_client_event(reswap(response, "none"), "switchboard:error", {"message": exception.message})
        messages.error(request, exception.message)
        referer = request.headers.get("referer", "")
        safe = url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()})
        return HttpResponseRedirect(referer if safe and referer else "/")

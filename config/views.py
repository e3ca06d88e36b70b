import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.views import defaults as django_defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config import health


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """The classic address browsers and bookmarks ask for: the app's icon (hashed in production)."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. Touches nothing else on purpose."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: 503 naming each dependency that is down."""
    checks = health.readiness()
    down = [c.name for c in checks if not c.ok]
    body = {
        "status": "ok" if not down else "unavailable",
        "down": down,
        "checks": {c.name: {"ok": c.ok, "detail": c.detail} for c in checks},
    }
    return JsonResponse(body, status=200 if not down else 503)


# Django's own answers for requests no view took (an unknown path, a body it could not read, a CSRF refusal):
# JSON under /api/, like every API error (config.api.exceptions), the styled page elsewhere.
API_ERRORS = {
    400: ("invalid", "The request could not be read."),
    403: ("permission_denied", "You do not have permission to perform this action."),
    404: ("not_found", "Nothing is at this address: see /api/docs/ for the API's paths."),
}


def _api_error(status: int) -> JsonResponse:
    code, message = API_ERRORS[status]
    return JsonResponse({"code": code, "message": message, "details": {}}, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith("/api/"):
        return _api_error(400)
    return django_defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith("/api/"):
        return _api_error(403)
    return django_defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith("/api/"):
        return _api_error(404)
    return django_defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's last resort (``handler500``): it must not touch the database, which may be why we are here.

    A database that does not answer (stopped, unreachable, a statement timed out) is a 503 with
    ``Retry-After``: JSON under ``/api/`` as every API error, a styled page elsewhere. Anything
    else is a 500 in the same two shapes.
    """
    unavailable = isinstance(sys.exc_info()[1], OperationalError | InterfaceError)
    status = 503 if unavailable else 500
    message = (
        "The service is briefly unavailable; nothing was saved from this request. Try again in a few seconds."
        if unavailable
        else "Something went wrong. The error has been logged; what you saved before is safe."
    )
    if request.path.startswith("/api/"):
        code = "unavailable" if unavailable else "error"
        response: HttpResponse = JsonResponse({"code": code, "message": message, "details": {}}, status=status)
    else:
        page = render_to_string("503.html" if unavailable else "500.html", {"message": message})
        response = HttpResponse(page, status=status)
    if unavailable:
        response["Retry-After"] = str(settings.RETRY_AFTER_SECONDS)
    return response

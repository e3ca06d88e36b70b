"""One place where errors become JSON: ``{"code", "message", "details"}``.

Domain errors raised by services (``config.errors``) map to 4xx here, so views
never translate them one by one.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from config.errors import DomainError, database_refusal


def _details(data: Any) -> dict[str, Any]:
    if isinstance(data, dict):
        return {key: value if isinstance(value, list) else [value] for key, value in data.items()}
    if isinstance(data, list):
        return {"non_field_errors": data}
    return {}


def _message(exc: exceptions.APIException, details: dict[str, Any]) -> str:
    if isinstance(exc, exceptions.ValidationError):
        fields = [name for name in details if name != "non_field_errors"]
        if fields:
            return "Invalid input: " + ", ".join(fields) + "."
        errors = details.get("non_field_errors") or []
        return str(errors[0]) if errors else "Invalid input."
    detail = exc.detail
    if isinstance(detail, (list, dict)):
        return "Request failed."
    return str(detail)


def _request_names(context: dict[str, Any]) -> dict[str, str]:
    """The view's serializer fields whose model field (``source``) has another name: source -> request name."""
    view = context.get("view")
    if view is None or not hasattr(view, "get_serializer"):
        return {}
    try:
        fields = view.get_serializer().fields
    except (AssertionError, AttributeError, TypeError, KeyError):
        return {}  # a view without one serializer (an action of its own): nothing to rename
    return {field.source: name for name, field in fields.items() if field.source not in (name, "*")}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        exc = exc.as_api_exception()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, IntegrityError) and (refusal := database_refusal(exc)) is not None:
        exc = exceptions.ValidationError(refusal.message_dict)
    elif isinstance(exc, DataError):
        # The database refused a value the parsers let through (an absurd time-zone offset in a
        # date filter, say): bad input, never a 500.
        exc = exceptions.ValidationError({"non_field_errors": ["A value in the request is out of range."]})
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    assert isinstance(exc, exceptions.APIException)
    details = _details(exc.detail) if isinstance(exc, exceptions.ValidationError) else {}
    if details:
        # A service names the model's field; the caller sent the serializer's name for it (``source=``).
        names = _request_names(context)
        details = {names.get(key, key): value for key, value in details.items()}
    codes = exc.get_codes()
    code = codes if isinstance(codes, str) else ("invalid" if response.status_code == 400 else "error")
    response.data = {"code": code, "message": _message(exc, details), "details": details}
    return response


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state of the resource."
    default_code = "conflict"

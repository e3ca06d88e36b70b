"""Domain errors raised by services and mapped to responses in one place.

Web views use ``config.middleware.DomainErrorMiddleware``; the API uses
``config.api.exceptions.exception_handler``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from rest_framework import exceptions


class DomainError(Exception):
    """Base class: a rule of the product refused the operation."""

    status_code = 400
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def as_api_exception(self) -> exceptions.APIException:
        if self.status_code == 400:
            detail = {self.field: [self.message]} if self.field else {"non_field_errors": [self.message]}
            return exceptions.ValidationError(detail, code=self.code)
        exc = exceptions.APIException(self.message, code=self.code)
        exc.status_code = self.status_code
        return exc


def database_refusal(exc: IntegrityError) -> ValidationError | None:
    """A rule the database enforces (a trigger raising ``check_violation`` for a column) as a field error.

    The services check first and name the field themselves; this covers any path that did not.
    """
    diag = getattr(exc.__cause__, "diag", None)
    if diag is None or diag.sqlstate != "23514" or not diag.column_name:
        return None
    field = diag.column_name.removesuffix("_id")
    return ValidationError({field: [f"This {field.replace('_', ' ')} belongs to another program (or breaks a rule)."]})


class InvalidTransition(DomainError):
    """A state change the object's transition table forbids."""

    status_code = 409
    code = "invalid_transition"

    def __init__(self, *, entity: str, current: str, target: str) -> None:
        super().__init__(f"Cannot move {entity} from '{current}' to '{target}'.", field="status")
        self.current = current
        self.target = target


class AlreadyDecided(DomainError):
    status_code = 409
    code = "already_decided"


class NotAllowed(DomainError):
    """The actor may see the object but may not do this to it."""

    status_code = 403
    code = "permission_denied"

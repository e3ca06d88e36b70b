"""View guards built on the permission predicates: signed in, then allowed, else a 403 page (not a login loop)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


def role_required(predicate: Callable[[Any], bool], message: str) -> Callable[[Any], Any]:
    def decorator(view: Any) -> Any:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not predicate(request.user):
                raise PermissionDenied(message)
            return view(request, *args, **kwargs)

        return login_required(wrapper)

    return decorator

"""Typed requests for our views: behind a login, the user is a ``User``; django-htmx adds ``htmx``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.middleware import HtmxDetails
from rest_framework.exceptions import NotAuthenticated
from rest_framework.request import Request

from agents.models import User


class AuthenticatedRequest(HttpRequest):
    """What a view behind ``login_required`` (or ``role_required``) receives; for the type checker only."""

    user: User
    htmx: HtmxDetails


def api_actor(request: Request) -> User:
    """The signed-in user of an API request (every API view requires authentication)."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise NotAuthenticated()
    return user


def signed_in_user(request: HttpRequest) -> User:
    """The signed-in user where Django types the request loosely (admin actions)."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied("Sign in first.")
    return user


def redirect_to_next(request: HttpRequest, fallback: str = "/") -> HttpResponseRedirect:
    """Back to the page a plain form came from (its ``next`` field), when that is a page of this site."""
    target = request.POST.get("next", "") or request.GET.get("next", "")
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = fallback
    return HttpResponseRedirect(target)

"""Hardening: the client's address, login throttling, idle and absolute session timeouts, CSP."""

from __future__ import annotations

import contextlib
import ipaddress
import time
from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from config.push import push_origin_for

# --- Client address ---------------------------------------------------------------


def request_ip(request: HttpRequest | None) -> str | None:
    """The client's address; X-Forwarded-For is trusted only when BEHIND_PROXY is set.

    Behind one proxy the client is the right-most entry (the one our proxy added);
    entries left of it come from the client and can be forged.
    """
    if request is None:
        return None
    candidate = request.META.get("REMOTE_ADDR", "")
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            candidate = forwarded.split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


# --- Login throttling -------------------------------------------------------------


def _login_key(username: str, ip: str) -> str:
    return f"login-fail:{username.lower()[:150]}:{ip}"


def login_failures(username: str, ip: str) -> int:
    return int(cache.get(_login_key(username, ip), 0))


def login_failed(username: str, ip: str) -> None:
    key = _login_key(username, ip)
    cache.add(key, 0, timeout=settings.LOGIN_LOCKOUT_SECONDS)
    # Expired in between, or the cache is down: the count starts again (sign-in itself never fails on it).
    with contextlib.suppress(ValueError):
        cache.incr(key)


def login_reset(username: str, ip: str) -> None:
    cache.delete(_login_key(username, ip))


class ThrottledAuthenticationForm(AuthenticationForm):
    """After LOGIN_MAX_FAILURES wrong passwords for one username from one address, wait LOGIN_LOCKOUT_SECONDS."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Your username and password did not match. Please try again.",
    }

    def clean(self) -> dict[str, Any]:
        username = self.data.get("username", "")
        ip = request_ip(self.request) or "unknown" if self.request else "unknown"
        if login_failures(username, ip) >= settings.LOGIN_MAX_FAILURES:
            minutes = max(1, settings.LOGIN_LOCKOUT_SECONDS // 60)
            raise forms.ValidationError(
                f"Too many failed attempts. Try again in {minutes} minutes or ask a supervisor.", code="locked"
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            login_failed(username, ip)
            raise
        login_reset(username, ip)
        return cleaned


# --- Session timeouts -------------------------------------------------------------


class SessionTimeoutMiddleware:
    """Idle timeout (no request for SESSION_IDLE_SECONDS) and absolute timeout (SESSION_ABSOLUTE_SECONDS)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            started = request.session.setdefault("auth_started", now)
            seen = request.session.get("last_seen", now)
            if now - seen > settings.SESSION_IDLE_SECONDS or now - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)  # answers 401/403 as unauthenticated
                messages.info(request, "Your session expired. Please log in again.")
                return redirect(f"{settings.LOGIN_URL_PATH}?next={request.path}")
            # Written at most once a minute, not on every request.
            if now - seen >= 60 or "last_seen" not in request.session:
                request.session["last_seen"] = now
        return self.get_response(request)


# --- Content-Security-Policy ------------------------------------------------------


class ContentSecurityPolicyMiddleware:
    """Everything from our own origin (and the push server's WebSocket); no inline script or style anywhere."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY.replace(
            "connect-src 'self'", f"connect-src 'self' {push_origin_for(request)}"
        )
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response

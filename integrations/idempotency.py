"""Safe retries: a POST with an ``Idempotency-Key`` has its first response stored and replayed.

The record is inserted before the view runs, in its own transaction, so two
concurrent requests with one key cannot both run: the second gets 409. The same
key with a different body is a 422. A 5xx is not stored, so the client may retry.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from integrations.models import IdempotencyRecord

HEADER = "Idempotency-Key"
TTL = timedelta(hours=24)


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "details": {}}, status=status)


def _scope(request: HttpRequest) -> str | None:
    auth = request.headers.get("Authorization", "")
    if auth.lower().startswith("bearer "):
        return hashlib.sha256(auth.encode()).hexdigest()
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER, "").strip()
        if request.method != "POST" or not key or not request.path.startswith("/api/v1/"):
            return self.get_response(request)
        if len(key) > 200:
            return _error(400, "invalid", f"{HEADER} must be at most 200 characters.")
        scope = _scope(request)
        if scope is None:
            return self.get_response(request)  # unauthenticated: the view answers 401
        fingerprint = hashlib.sha256(b"\n".join([request.path.encode(), request.body])).hexdigest()
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(scope=scope, key=key, fingerprint=fingerprint)
        except IntegrityError:
            existing = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
            if existing is None:
                return _error(409, "conflict", "A request with this Idempotency-Key is being retried; try again.")
            if existing.fingerprint != fingerprint:
                return _error(422, "idempotency_key_reused", f"This {HEADER} was used with a different request.")
            if existing.status_code is None:
                return _error(409, "conflict", f"The first request with this {HEADER} is still running.")
            replay = HttpResponse(
                bytes(existing.response_body or b""), status=existing.status_code, content_type=existing.content_type
            )
            replay["Idempotent-Replayed"] = "true"
            return replay
        response = self.get_response(request)
        if response.status_code >= 500 or getattr(response, "streaming", False):
            IdempotencyRecord.objects.filter(pk=record.pk).delete()
            return response
        if hasattr(response, "render") and not getattr(response, "is_rendered", True):
            response.render()
        IdempotencyRecord.objects.filter(pk=record.pk).update(
            status_code=response.status_code,
            response_body=response.content,
            content_type=response.get("Content-Type", "application/json"),
        )
        return response


def idempotency_records_purge() -> int:
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=timezone.now() - TTL).delete()
    return deleted

"""API tokens: shown once, stored as a SHA-256 hash, expiring and revocable; creation and revocation audited."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone

from agents.models import User
from agents.permissions import remember_served_programs, served_programs_sql
from agents.services import audit_record
from config.rows import Columns, fetch_one
from integrations.models import ApiToken

TOKEN_PREFIX = "sb_"  # noqa: S105 - a public marker, not a secret
# last_used_at is written at most this often per token: no write on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_create(
    *,
    user: User,
    name: str,
    actor: User | None = None,
    expires_days: int | None = 90,
    request: HttpRequest | None = None,
) -> tuple[ApiToken, str]:
    """Returns the token and its secret; the secret cannot be shown again."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100] or "API token",
        prefix=raw[:10],
        key_hash=_hash(raw),
        expires_at=timezone.now() + timedelta(days=expires_days) if expires_days else None,
    )
    audit_record(
        action="token.create",
        actor=actor,
        obj=token,
        request=request,
        data={"user": user.pk, "expires_days": expires_days},
        actor_label=None if actor else "system",
    )
    return token, raw


def token_revoke(*, token: ApiToken, actor: User | None = None, request: HttpRequest | None = None) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit_record(action="token.revoke", actor=actor, obj=token, request=request, data={"user": token.user_id})
    return token


class TokenRejected(Exception):
    """Why a presented token is not accepted (the message goes back to the caller)."""


_TOKEN = Columns(ApiToken, "k")
_TOKEN_USER = Columns(User, "u")
# Every API request asks this: hand-written, so Django does not build it each time (config/rows.py). The user's
# programs come along (every API request asks for them next).
_AUTHENTICATE_SQL = f"""
    SELECT {_TOKEN.sql}, {_TOKEN_USER.sql}, {served_programs_sql("k.user_id")}
    FROM integrations_apitoken k JOIN agents_user u ON u.id = k.user_id
    WHERE k.key_hash = %s
"""  # noqa: S608 - the select lists come from the models, the value is a parameter


def token_authenticate(*, raw: str) -> ApiToken:
    row = fetch_one(_AUTHENTICATE_SQL, [_hash(raw)])
    if row is None:
        raise TokenRejected("Unknown API token.")
    token = _TOKEN.instance(row)
    token.user = _TOKEN_USER.instance(row, len(_TOKEN))
    now = timezone.now()
    if token.revoked_at is not None:
        raise TokenRejected("This API token was revoked.")
    if token.expires_at is not None and token.expires_at <= now:
        raise TokenRejected("This API token expired; ask an administrator for a new one.")
    if not token.user.is_active:
        raise TokenRejected("The account of this API token is disabled.")
    remember_served_programs(token.user, row[-1])
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token

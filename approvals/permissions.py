"""Who may ask for and decide approvals (DESIGN.md invariant 1).

Who may decide a request is one rule with one home: the SQL function
``approvals_may_decide`` (migration ``approvals.0002``). The queue, the permission
check, the choice of level and the notifications all call it through
``may_decide``, and the trigger that guards every decision calls it too, so a raw
``UPDATE`` and the service can never disagree. A user may decide a request when it

- is an active supervisor, manager or admin, and not the requester;
- serves the request's program (admins and superusers serve every program);
- is a manager or admin, or a supervisor of the request's team while the request
  is at supervisor level;
- and, for money, the amount is within its limit for that kind and currency (its
  own limit when set, else its role's; admins have none; exceptions carry no amount).

``approvals/tests/test_decider_rule.py`` runs one table of cases through the
service and through a raw ``UPDATE`` that only the trigger guards.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import BooleanField, F, Func, QuerySet, Value

from agents import permissions as people
from agents.models import User
from agents.permissions import Actor
from approvals.models import ApprovalKind, ApprovalRequest


class MayDecide(Func):
    """``approvals_may_decide(decider, requester, program, team, level, kind, currency, amount)``."""

    function = "approvals_may_decide"
    output_field = BooleanField()
    arity = 8


def _request_values(request: ApprovalRequest, **override: Any) -> list[Value]:
    fields = {
        "requester": request.requested_by_id,
        "program": request.program_id,
        "team": request.team_id,
        "level": request.level,
        "kind": request.kind,
        "currency": request.currency,
        "amount": request.amount,
    }
    fields.update(override)
    return [Value(fields[name]) for name in ("requester", "program", "team", "level", "kind", "currency", "amount")]


def decidable_by(user: Actor) -> MayDecide:
    """A filter on ApprovalRequest rows: those ``user`` may decide."""
    return MayDecide(
        Value(user.pk),
        F("requested_by_id"),
        F("program_id"),
        F("team_id"),
        F("level"),
        F("kind"),
        F("currency"),
        F("amount"),
    )


def deciders_of(request: ApprovalRequest, **override: Any) -> QuerySet[User]:
    """The users who may decide ``request`` (as it is, or with ``override`` such as ``level=...``)."""
    return User.objects.filter(role__in=people.DECIDERS, is_active=True).filter(
        MayDecide(F("pk"), *_request_values(request, **override))
    )


def authority_limit(*, user: User, kind: str, currency: str) -> Decimal | None:
    """The most ``user`` may grant alone: its own limit when set, else its role's; None: nothing."""
    if kind == ApprovalKind.EXCEPTION:
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT approvals_limit(%s, %s, %s)", [user.pk, kind, currency])
        return cursor.fetchone()[0]


def can_request_approval(user: Actor, program_id: int | None) -> bool:
    return people.can_use_workspace(user) and people.can_serve_program(user, program_id)


def can_decide_approval(user: Actor, request: ApprovalRequest, *, ignoring_amount: bool = False) -> bool:
    """``ignoring_amount`` asks whether only the amount stands in the way (the request may then escalate)."""
    if not people.can_decide_approvals(user):
        return False
    override = {"amount": None} if ignoring_amount else {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT approvals_may_decide(%s, %s, %s, %s, %s, %s, %s, %s)",
            [user.pk, *(value.value for value in _request_values(request, **override))],
        )
        return bool(cursor.fetchone()[0])


def can_cancel_approval(user: Actor, request: ApprovalRequest) -> bool:
    return people.is_active_user(user) and request.requested_by_id == user.pk


def can_apply_approvals(user: Actor) -> bool:
    """Billing systems (integrators) and admins mark granted requests as applied."""
    return people.is_active_user(user) and user.role in {people.Role.INTEGRATOR, people.Role.ADMIN}

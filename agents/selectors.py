"""Reads of people and organisation, scoped to the acting user."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from agents.models import Notification, Program, Team, User
from agents.permissions import served_program_ids


def program_list(*, actor: Any) -> QuerySet[Program]:
    return Program.objects.filter(pk__in=served_program_ids(actor), is_active=True)


def program_for_dialed_number(*, number: str) -> Program | None:
    return Program.objects.filter(phone_numbers__number=number, is_active=True).first()


def team_list(*, actor: Any) -> QuerySet[Team]:
    return Team.objects.filter(programs__in=served_program_ids(actor), is_active=True).distinct()


def team_supervisors(*, team: Team) -> QuerySet[User]:
    return User.objects.filter(memberships__team=team, memberships__is_supervisor=True, is_active=True)


def user_teams(*, user: User) -> QuerySet[Team]:
    return Team.objects.filter(memberships__user=user, is_active=True)


def notification_list(*, actor: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=actor).order_by("-created_at", "-id")


def notification_get(*, actor: Any, pk: int) -> Notification | None:
    return notification_list(actor=actor).filter(pk=pk).first()


def notification_unread_count(*, actor: Any) -> int:
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).count()

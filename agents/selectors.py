"""Reads of people and organisation, scoped to the acting user."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from agents.models import Notification, Program, Team, User
from agents.permissions import Actor, served_program_ids


def program_list(*, actor: Actor) -> QuerySet[Program]:
    return Program.objects.filter(pk__in=served_program_ids(actor), is_active=True)


def program_for_dialed_number(*, number: str) -> Program | None:
    return Program.objects.filter(phone_numbers__number=number, is_active=True).first()


def team_list(*, actor: Actor) -> QuerySet[Team]:
    return Team.objects.filter(programs__in=served_program_ids(actor), is_active=True).distinct()


def team_supervisors(*, team: Team) -> QuerySet[User]:
    return User.objects.filter(memberships__team=team, memberships__is_supervisor=True, is_active=True)


def user_teams(*, user: User) -> QuerySet[Team]:
    return Team.objects.filter(memberships__user=user, is_active=True)


def notification_list(*, actor: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=actor).order_by("-created_at", "-id")


def notification_get(*, actor: User, pk: int) -> Notification | None:
    return notification_list(actor=actor).filter(pk=pk).first()


def notification_unread_count(*, actor: User) -> int:
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).count()


def program_for_new_record(
    *, actor: Actor, program: Program | int | None = None, related: dict[str, int | None] | None = None
) -> Program:
    """The program a new record belongs to: the one rule every create path asks (DESIGN.md invariant 10).

    ``related`` maps each field the caller was given (``customer``, ``ticket``, ``call``, ...) to
    that record's program id. They must agree with each other and with ``program`` when it is
    given; with neither, a user serving one program gets it and anyone else must say. Raises a
    ValidationError naming the field at fault.
    """
    served = served_program_ids(actor)
    requested = program.pk if isinstance(program, Program) else program
    chosen, chosen_from = (requested, "program") if requested is not None else (None, "")
    for field, program_id in (related or {}).items():
        if program_id is None:
            continue
        if chosen is None:
            chosen, chosen_from = program_id, field
        elif program_id != chosen:
            raise ValidationError({field: [f"This {field} belongs to another program than the {chosen_from}."]})
    if chosen is None:
        if len(served) != 1:
            raise ValidationError(
                {"program": ["Say which program: you serve several." if served else "You serve no program."]}
            )
        chosen, chosen_from = next(iter(served)), "program"
    if chosen not in served:
        raise ValidationError({chosen_from: ["Not found among the records you may use."]})
    if isinstance(program, Program) and program.pk == chosen:
        return program
    return Program.objects.get(pk=chosen)


def user_get(*, pk: object) -> User | None:
    """An active user by id; None for an unknown or malformed id."""
    try:
        return User.objects.filter(pk=int(str(pk)), is_active=True).first()
    except ValueError:
        return None


def team_get(*, pk: object) -> Team | None:
    """An active team by id; None for an unknown or malformed id."""
    try:
        return Team.objects.filter(pk=int(str(pk)), is_active=True).first()
    except ValueError:
        return None


def user_list_active() -> QuerySet[User]:
    return User.objects.filter(is_active=True)

"""Reads of people and organisation, scoped to the acting user."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import ValidationError
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import JSONObject

from agents import permissions
from agents.models import (
    AgentState,
    AgentStateSpan,
    AuditEvent,
    BreakReason,
    Membership,
    Notification,
    Program,
    Role,
    Team,
    User,
)
from agents.permissions import Actor, served_program_ids
from config.rows import Columns, fetch_one


def program_list(*, actor: Actor) -> QuerySet[Program]:
    return Program.objects.filter(pk__in=served_program_ids(actor), is_active=True)


def program_for_dialed_number(*, number: str) -> Program | None:
    return Program.objects.filter(phone_numbers__number=number, is_active=True).first()


def team_list(*, actor: Actor) -> QuerySet[Team]:
    return Team.objects.filter(programs__in=served_program_ids(actor), is_active=True).distinct()


def user_list(*, actor: Actor) -> QuerySet[User]:
    """The people of the actor's programs: on a team serving one of them, or serving one directly."""
    programs = served_program_ids(actor)
    return (
        User.objects.filter(Q(memberships__team__programs__in=programs) | Q(programs__in=programs))
        .distinct()
        .prefetch_related("memberships")
    )


def audit_event_list(*, actor: Actor) -> QuerySet[AuditEvent]:
    """The audit log, for administrators only (others: nothing)."""
    if not permissions.can_view_audit_log(actor):
        return AuditEvent.objects.none()
    return AuditEvent.objects.all()


def team_supervisors(*, team: Team) -> QuerySet[User]:
    return User.objects.filter(memberships__team=team, memberships__is_supervisor=True, is_active=True)


def knowledge_reviewers(*, program_id: int | None, author_id: int | None) -> QuerySet[User]:
    """Who may review a knowledge draft: the other active knowledge managers (of its program, if it has one)."""
    users = User.objects.filter(is_active=True, role=Role.KNOWLEDGE_MANAGER)
    if author_id is not None:
        users = users.exclude(pk=author_id)
    if program_id is not None:
        users = users.filter(Q(programs=program_id) | Q(memberships__team__programs=program_id)).distinct()
    return users.order_by("pk")


def supervised_team_ids(*, user: User) -> set[int]:
    """The active teams ``user`` supervises (not merely belongs to)."""
    led = Membership.objects.filter(user=user, is_supervisor=True, team__is_active=True)
    return set(led.values_list("team_id", flat=True))


def user_teams(*, user: User) -> QuerySet[Team]:
    return Team.objects.filter(memberships__user=user, is_active=True)


def notification_list(*, actor: Actor) -> QuerySet[Notification]:
    if not permissions.is_active_user(actor):
        return Notification.objects.none()
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


def agent_watched(*, actor: Actor, username: str) -> User | None:
    """An active user by username whose state the actor may see and set; None otherwise (a 404, not a 403)."""
    agent = User.objects.filter(username=username, is_active=True).first()
    return agent if agent is not None and permissions.can_set_agent_state(actor, agent) else None


def team_get(*, pk: object) -> Team | None:
    """An active team by id; None for an unknown or malformed id."""
    try:
        return Team.objects.filter(pk=int(str(pk)), is_active=True).first()
    except ValueError:
        return None


def user_list_active() -> QuerySet[User]:
    return User.objects.filter(is_active=True)


def agent_state_current(*, agent: User) -> AgentStateSpan | None:
    """The agent's open state span (None: never signed in since states exist, i.e. offline)."""
    return AgentStateSpan.objects.filter(user=agent, ended_at__isnull=True).select_related("reason").first()


def team_agent_states(*, actor: Actor) -> list[dict[str, Any]]:
    """The members of the teams the actor supervises (managers: of its programs; admins: all), each
    with its state now, for the supervisor's floor view. One query."""
    if not permissions.can_watch_floor(actor) or not permissions.is_active_user(actor):
        return []
    teams = Team.objects.filter(is_active=True)
    if actor.role == Role.SUPERVISOR:
        teams = teams.filter(memberships__user=actor, memberships__is_supervisor=True)
    elif not permissions.is_admin(actor):
        teams = teams.filter(programs__in=served_program_ids(actor))
    open_span = AgentStateSpan.objects.filter(user=OuterRef("user_id"), ended_at__isnull=True)
    members = (
        Membership.objects.filter(team__in=teams, user__is_active=True, user__role=Role.AGENT)
        .annotate(
            state=Subquery(open_span.values("state")[:1]),
            since=Subquery(open_span.values("started_at")[:1]),
            reason=Subquery(open_span.values("reason__label")[:1]),
        )
        .values(
            "team__name", "user_id", "user__username", "user__first_name", "user__last_name", "state", "since", "reason"
        )
        .order_by("team__name", "user__username")
        .distinct()
    )
    labels = dict(AgentState.choices)
    return [
        {
            "team": row["team__name"],
            "username": row["user__username"],
            "name": f"{row['user__first_name']} {row['user__last_name']}".strip() or row["user__username"],
            "state": row["state"] or AgentState.OFFLINE,
            "label": labels[row["state"] or AgentState.OFFLINE],
            "reason": row["reason"] or "",
            "since": row["since"],
        }
        for row in members
    ]


def break_reasons_for(agent: User) -> list[BreakReason]:
    """The active break reasons of the programs the agent serves."""
    return list(BreakReason.objects.filter(program_id__in=served_program_ids(agent), is_active=True).order_by("label"))


def agent_desk(*, agent: User) -> dict[str, Any]:
    """The top bar's state menu in one query: the agent's state now (offline when none) and the break
    reasons of the programs it serves (``agents_user_serves``, the one definition of "serves")."""
    open_span = AgentStateSpan.objects.filter(user=OuterRef("pk"), ended_at__isnull=True)
    reasons = BreakReason.objects.filter(permissions.serves(agent.pk, F("program_id")), is_active=True)
    row = (
        User.objects.filter(pk=agent.pk)
        .annotate(
            span_state=Subquery(open_span.values("state")[:1]),
            span_since=Subquery(open_span.values("started_at")[:1]),
            span_reason=Subquery(open_span.values("reason__code")[:1]),
            reasons=ArraySubquery(reasons.order_by("label").values(pair=JSONObject(code="code", label="label"))),
        )
        .values("span_state", "span_since", "span_reason", "reasons")
        .first()
    )
    if row is None:
        return {"state": AgentState.OFFLINE, "since": None, "reason": "", "reasons": []}
    return {
        "state": row["span_state"] or AgentState.OFFLINE,
        "since": row["span_since"],
        "reason": row["span_reason"] or "",
        "reasons": row["reasons"] or [],
    }


def supervisors_of(*, agent: User) -> list[int]:
    """The supervisors of the agent's teams (who watch its state on the floor view)."""
    teams = Team.objects.filter(memberships__user=agent, is_active=True)
    return list(
        User.objects.filter(memberships__team__in=teams, memberships__is_supervisor=True, is_active=True)
        .exclude(pk=agent.pk)
        .values_list("pk", flat=True)
        .distinct()
    )


def agent_home_team(*, agent_id: int, program_id: int) -> int | None:
    """The team an agent's work in a program counts for: of its teams serving the program, the lowest id
    (the metrics rollup's rule, ``reports.services.rollup._CALLS_SQL``)."""
    return (
        Team.objects.filter(memberships__user_id=agent_id, programs__id=program_id)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )


# Routing reads who the agent is (the id and the name for the ticket's history), nothing else of the account.
_AVAILABLE_USER = Columns(User, "u", only=("username", "is_active"))
# Every ticket and callback opened asks this: hand-written, so Django does not build it each time (config/rows.py).
# An empty array is contained in any, so no language or skills asked means no condition.
_AVAILABLE_SQL = f"""
    SELECT {_AVAILABLE_USER.sql}
    FROM agents_user u
    JOIN agents_membership m ON m.user_id = u.id
    JOIN agents_team t ON t.id = m.team_id
    JOIN agents_agentstatespan s ON s.user_id = u.id
    WHERE u.is_active AND t.is_active AND m.team_id = ANY(%(teams)s::bigint[])
      AND s.ended_at IS NULL AND s.state = %(available)s
      AND u.languages @> %(languages)s::varchar[] AND u.skills @> %(skills)s::varchar[]
      AND (%(only)s::bigint IS NULL OR u.id = %(only)s::bigint)
    ORDER BY s.started_at, u.id
    LIMIT 1
"""  # noqa: S608 - the select list comes from the model, every value is a parameter


def available_agent(
    *, team_ids: Sequence[int], language: str = "", skills: Sequence[str] = (), only: int | None = None
) -> User | None:
    """Routing's choice among the active members of the active teams ``team_ids`` who are available now (agent
    states), speak ``language`` (when one is asked) and have every skill in ``skills``: the one available the
    longest (the "longest idle agent" rule). ``only``: that agent or nobody. One query."""
    row = fetch_one(
        _AVAILABLE_SQL,
        {
            "teams": list(team_ids),
            "available": AgentState.AVAILABLE.value,
            "languages": [language] if language else [],
            "skills": list(skills),
            "only": only,
        },
    )
    return None if row is None else _AVAILABLE_USER.instance(row)


def team_members_to_alert(*, team: Team | None) -> Sequence[User]:
    """Who hears of the team's unowned work falling due: its active members available now, else all of them."""
    if team is None:
        return []
    members = list(
        User.objects.filter(memberships__team=team, is_active=True)
        .annotate(
            available=Exists(
                AgentStateSpan.objects.filter(user=OuterRef("pk"), ended_at__isnull=True, state=AgentState.AVAILABLE)
            )
        )
        .order_by("pk")
    )
    available = [member for member in members if member.available]
    return available or members

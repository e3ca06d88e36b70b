"""The one implementation of the contact-center metrics (docs/metrics.md, invariant 13).

Everything that shows a figure (the dashboard, the wallboard, the agent's own numbers, the API and the
CSV export) asks ``metrics()`` and reads the formulas off ``Totals``. They are computed from the rollups
(``reports.models``), never from scans of the calls.
"""

from __future__ import annotations

import math
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field, fields, replace
from datetime import datetime, time, timedelta
from typing import Any

from django.db import connection
from django.db.models import Count, DateField, DateTimeField, F, Min, Q, QuerySet, Value
from django.db.models.functions import Cast, Trunc
from django.utils import timezone

from agents.models import AgentState, Membership, Program, Role, Team, User
from agents.permissions import Actor, is_active_user, is_admin, served_program_ids
from agents.selectors import supervised_team_ids, team_agent_states, team_list
from approvals.selectors import approval_queue
from crm.models import Call
from crm.selectors import LiveCalls, call_list, calls_live
from reports.models import (
    CALL_SUMS,
    WORK_SUMS,
    AgentDay,
    AgentInterval,
    CallDay,
    CallInterval,
    ProgramTargets,
    ReportingZone,
    WorkInterval,
)
from tickets.models import FollowUp
from tickets.selectors import follow_up_list, follow_ups_of_teams, ticket_sla_risk

INTERVALS = ("hour", "day", "week")
GROUPS = ("none", "program", "team", "agent")
_STEP = {"hour": timedelta(hours=1), "day": timedelta(days=1), "week": timedelta(weeks=1)}
# The interval of a query summed over its whole range: one row per group (``metrics_by_group``).
WHOLE_RANGE = "range"
# A callback due within this long is "due" on the wallboard.
CALLBACK_SOON = timedelta(minutes=15)


@dataclass(slots=True)
class Totals:
    """Summed counts of one interval and group; ``figures()`` computes every metric from them."""

    offered: int = 0
    answered: int = 0
    answered_in_time: int = 0
    abandoned: int = 0
    short_abandoned: int = 0
    handled: int = 0
    resolved_first: int = 0
    transferred: int = 0
    wait_seconds: int = 0
    talk_seconds: int = 0
    hold_seconds: int = 0
    wrap_up_seconds: int = 0
    available_seconds: int = 0
    on_call_seconds: int = 0
    state_wrap_up_seconds: int = 0
    csat_responses: int = 0
    csat_satisfied: int = 0
    csat_score_sum: int = 0
    qa_reviews: int = 0
    qa_points: int = 0
    qa_failed: int = 0
    tickets_opened: int = 0
    tickets_resolved: int = 0
    resolved_with_due: int = 0
    resolved_in_time: int = 0
    approvals_decided: int = 0
    approval_seconds: int = 0
    callbacks_due: int = 0
    callbacks_on_time: int = 0

    def add(self, other: Totals) -> None:
        for name in _TOTALS_FIELDS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def figures(self, head: dict[str, Any] | None = None) -> dict[str, Any]:
        """The metrics as the API, the CSV export and the screens name them (DESIGN "metrics"), after
        ``head``'s fields (a row's interval and group: one dict built, not two merged). Each ratio is its
        formula in docs/metrics.md, here and nowhere else."""
        busy = self.on_call_seconds + self.state_wrap_up_seconds
        return {
            **(head or {}),
            "offered": self.offered,
            "answered": self.answered,
            "handled": self.handled,
            "abandoned": self.abandoned,
            "short_abandoned": self.short_abandoned,
            "aht_seconds": _ratio(self.talk_seconds + self.hold_seconds + self.wrap_up_seconds, self.handled, 1),
            "asa_seconds": _ratio(self.wait_seconds, self.answered, 1),
            "service_level": _ratio(self.answered_in_time, self.answered + self.abandoned, 4),
            "abandon_rate": _ratio(self.abandoned, self.offered - self.short_abandoned, 4),
            "fcr_rate": _ratio(self.resolved_first, self.handled, 4),
            "transfer_rate": _ratio(self.transferred, self.handled, 4),
            "occupancy": _ratio(busy, self.available_seconds + busy, 4),
            "csat": _ratio(self.csat_satisfied, self.csat_responses, 4),
            "csat_mean": _ratio(self.csat_score_sum, self.csat_responses, 2),
            "csat_responses": self.csat_responses,
            "qa_score": _ratio(self.qa_points, self.qa_reviews * 10_000, 4),  # points: hundredths of a percent
            "qa_reviews": self.qa_reviews,
            "qa_failed": self.qa_failed,
            "tickets_opened": self.tickets_opened,
            "tickets_resolved": self.tickets_resolved,
            "sla_met_rate": _ratio(self.resolved_in_time, self.resolved_with_due, 4),
            "approvals_decided": self.approvals_decided,
            "approval_turnaround_seconds": _ratio(self.approval_seconds, self.approvals_decided, 1),
            "callbacks_due": self.callbacks_due,
            "callbacks_on_time_rate": _ratio(self.callbacks_on_time, self.callbacks_due, 4),
        }


_TOTALS_FIELDS = tuple(f.name for f in fields(Totals))


def sum_totals(rows: list[MetricRow]) -> Totals:
    """The rows' figures as one (a range's total from its intervals)."""
    total = Totals()
    for row in rows:
        total.add(row.totals)
    return total


_SCALES = {digits: 10.0**digits for digits in range(7)}


def _ratio(part: int, whole: int, digits: int) -> float | None:
    """``part / whole`` to ``digits`` decimals, halves up; None when nothing was counted (``whole`` 0).
    Arithmetic, not ``round``: Python's goes through decimal digits, and a month of per-agent rows holds
    72,000 ratios."""
    if not whole:
        return None
    scale = _SCALES[digits]
    return math.floor(part / whole * scale + 0.5) / scale


@dataclass
class MetricRow:
    start: datetime
    end: datetime
    group: str
    key: int | None
    label: str
    totals: Totals = field(default_factory=Totals)


@dataclass(frozen=True)
class Scope:
    """Whose numbers an actor may read: ``None`` is "no limit" on that axis."""

    programs: frozenset[int] | None
    teams: frozenset[int] | None = None
    agent: int | None = None


def metrics_scope(actor: Actor) -> Scope | None:
    """Admins: everything; managers and integrators: their programs; supervisors: the teams they lead;
    agents: themselves. Other roles have no metrics (None)."""
    if not is_active_user(actor):
        return None
    if is_admin(actor):
        return Scope(programs=None)
    programs = served_program_ids(actor)
    if actor.role in {Role.MANAGER, Role.INTEGRATOR}:
        return Scope(programs=programs)
    if actor.role == Role.SUPERVISOR:
        return Scope(programs=programs, teams=frozenset(supervised_team_ids(user=actor)))
    if actor.role == Role.AGENT:
        return Scope(programs=programs, agent=actor.pk)
    return None


@dataclass(frozen=True)
class Query:
    start: datetime
    end: datetime
    interval: str = "day"
    group_by: str = "none"
    program: int | None = None
    team: int | None = None
    agent: int | None = None
    tz: zoneinfo.ZoneInfo = field(default_factory=lambda: zoneinfo.ZoneInfo("UTC"))


def metrics(*, actor: Actor, query: Query) -> list[MetricRow]:
    """One row per interval (in ``query.tz``) and group with data, oldest first, then by label.

    One statement sums every source (the calls, the tickets and other work, the agents' state time) per
    interval and group: each row comes back once, with its sums in ``Totals``' order."""
    scope = metrics_scope(actor)
    if scope is None:
        return []
    zone = _days_zone(query)
    calls = _scoped(CallDay.objects.all() if zone else CallInterval.objects.all(), scope, query, agent=True, zone=zone)
    sources = [_source(calls, query, zone, CALL_SUMS)]
    if query.group_by != "agent" and scope.agent is None and query.agent is None:
        sources.append(_source(_scoped(WorkInterval.objects.all(), scope, query, agent=False), query, None, WORK_SUMS))
    members = _members(scope, query)
    if members:
        sources.append(_state_source(members, query, zone))
    summed = _sum(sources, grouped=query.group_by != "none")
    edges: dict[datetime, tuple[datetime, datetime]] = {}
    rows = []
    for bucket, key, *totals in summed:
        if bucket not in edges:
            edges[bucket] = _edges(query, bucket)
        rows.append(MetricRow(*edges[bucket], query.group_by, key, "", Totals(*totals)))
    _label(rows, query.group_by)
    return sorted(rows, key=lambda r: (r.start, r.label))


@dataclass(frozen=True)
class _Source:
    """Rollup rows as SQL with its parameters: a ``bucket`` column, the group key (an expression) and the
    columns holding ``Totals`` fields (field -> column)."""

    sql: str
    params: list[Any]
    key: str
    columns: dict[str, str]


def _sum(sources: list[_Source], *, grouped: bool) -> list[tuple[Any, ...]]:
    """The sources' sums per bucket and key, from a UNION ALL of them grouped once: rows of (bucket, key, then
    the ``Totals`` fields in order up to the last one a source has). The fields after it, which no source of
    the query has (a per-agent query reads no ticket work), are neither summed nor fetched: they keep
    ``Totals``' default."""
    provided = {name for source in sources for name in source.columns}
    fields = _TOTALS_FIELDS[: max(_TOTALS_FIELDS.index(name) for name in provided) + 1]
    summed = [name for name in fields if name in provided]
    members = []
    for source in sources:
        columns = ", ".join(f'"{source.columns[name]}"' if name in source.columns else "0" for name in summed)
        members.append(
            f'SELECT CAST("bucket" AS timestamp), CAST({source.key} AS bigint), {columns} FROM {source.sql}'  # noqa: S608
        )
    # The union's columns, named for the sums.
    names = ", ".join(f'"{name}"' for name in ["bucket", "key", *summed])
    sums = ", ".join(f'CAST(SUM("{name}") AS bigint)' if name in provided else "0" for name in fields)
    # Calls nobody answered and callbacks count for their program and in "All", not in a team or agent row.
    where = 'WHERE "key" IS NOT NULL' if grouped else ""
    # Field names and Django's parameterised subqueries are interpolated; values are parameters.
    statement = (
        f'SELECT "bucket", "key", {sums} FROM ({" UNION ALL ".join(members)}) AS parts ({names}) {where} '  # noqa: S608
        'GROUP BY "bucket", "key"'
    )
    with connection.cursor() as cursor:  # the sums are bigints already: no per-value converters
        cursor.execute(statement, [param for source in sources for param in source.params])
        return cursor.fetchall()


# The rollup column each group reads its key from.
_GROUP_FIELD = {"program": "program_id", "team": "team_id", "agent": "agent_id"}
# Where occupancy's sums are in the agent-state rollups (break time is kept, not shown).
_STATE_COLUMNS = {"available_seconds": "available_seconds", "on_call_seconds": "on_call_seconds",
                  "state_wrap_up_seconds": "wrap_up_seconds"}  # fmt: skip


def _source(rows: QuerySet[Any], query: Query, zone: str | None, names: tuple[str, ...]) -> _Source:
    """A rollup's rows with their bucket, their group key and their columns ``names`` (named as in ``Totals``)."""
    group_field = _GROUP_FIELD.get(query.group_by)
    keys = {"bucket": _bucket(query, zone), **({"key": F(group_field)} if group_field else {})}
    sql, params = rows.annotate(**keys).values_list(*keys, *names).query.sql_with_params()
    return _Source(f"({sql}) AS source", list(params), '"key"' if group_field else "NULL", {n: n for n in names})


def _state_source(members: dict[int, set[int | None]], query: Query, zone: str | None) -> _Source:
    """The agents' state time, once for each group key its agent counts for."""
    source = AgentDay.objects.all() if zone else AgentInterval.objects.all()
    states = _in_range(source.filter(agent_id__in=members), query, zone).annotate(bucket=_bucket(query, zone))
    sql, params = states.values_list("bucket", "agent_id", *_STATE_COLUMNS.values()).query.sql_with_params()
    pairs = [(agent, key) for agent, keys in members.items() for key in keys]
    joined = (
        f'({sql}) AS source JOIN unnest(%s::bigint[], %s::bigint[]) AS members ("agent_id", "key") USING ("agent_id")'
    )
    return _Source(joined, [*params, [a for a, _ in pairs], [k for _, k in pairs]], '"key"', _STATE_COLUMNS)


def metrics_total(*, actor: Actor, query: Query) -> Totals:
    """All of ``query``'s range and scope as one figure (the dashboard's headline and the agent's own)."""
    rows = metrics_by_group(actor=actor, query=replace(query, group_by="none"))
    return rows[0].totals if rows else Totals()


def metrics_by_group(*, actor: Actor, query: Query) -> list[MetricRow]:
    """One row per group for the whole range of ``query`` (summed by the database), by label."""
    return sorted(metrics(actor=actor, query=replace(query, interval=WHOLE_RANGE)), key=lambda r: r.label)


def _days_zone(query: Query) -> str | None:
    """The query's zone when its range is whole local days, read per day or week, and the zone's day rollups
    are ready: a month is then read as days rather than as thousands of intervals. Else None."""
    if query.interval == "hour" or any(edge.astimezone(query.tz).time() != time() for edge in (query.start, query.end)):
        return None
    return query.tz.key if ReportingZone.objects.filter(name=query.tz.key, ready=True).exists() else None


def _bucket(query: Query, zone: str | None) -> Any:
    """The interval a rollup row falls in: from its start (intervals) or its local day (day rollups); for a
    whole range, a constant (which the database leaves out of the GROUP BY)."""
    if query.interval == WHOLE_RANGE:
        return Value(query.start, output_field=DateTimeField())
    if zone is None:
        return Trunc("start", query.interval, tzinfo=query.tz)
    return F("day") if query.interval == "day" else Cast(Trunc("day", "week"), DateField())


def _edges(query: Query, bucket: datetime) -> tuple[datetime, datetime]:
    """Start and end of the interval ``bucket`` (a wall-clock time in the query's zone) begins; a whole range's
    are the query's."""
    if query.interval == WHOLE_RANGE:
        return query.start, query.end
    return bucket.replace(tzinfo=query.tz), (bucket + _STEP[query.interval]).replace(tzinfo=query.tz)


def _scoped(rows: QuerySet[Any], scope: Scope, query: Query, *, agent: bool, zone: str | None = None) -> QuerySet[Any]:
    """Rollup rows of the query's range (the zone's local days, for day rollups), within the actor's scope and
    the query's filters."""
    rows = _in_range(rows, query, zone)
    if scope.programs is not None:
        rows = rows.filter(program_id__in=scope.programs)
    if scope.teams is not None:
        rows = rows.filter(team_id__in=scope.teams)
    if agent and scope.agent is not None:
        rows = rows.filter(agent_id=scope.agent)
    for name in ("program", "team", "agent") if agent else ("program", "team"):
        if getattr(query, name) is not None:
            rows = rows.filter(**{f"{name}_id": getattr(query, name)})
    return rows


def _in_range(rows: QuerySet[Any], query: Query, zone: str | None) -> QuerySet[Any]:
    if zone is None:
        return rows.filter(start__gte=query.start, start__lt=query.end)
    first, stop = (edge.astimezone(query.tz).date() for edge in (query.start, query.end))
    return rows.filter(zone=zone, day__gte=first, day__lt=stop)


def _members(scope: Scope, query: Query) -> dict[int, set[int | None]]:
    """The agents whose states count, each with the group keys it counts for (teams via memberships)."""
    if scope.agent is not None or query.agent is not None:
        agent = scope.agent if scope.agent is not None else query.agent
        if scope.agent is not None and query.agent not in (None, scope.agent):
            return {}
        memberships = Membership.objects.filter(user_id=int(agent or 0))
    else:
        memberships = Membership.objects.filter(user__role=Role.AGENT)
    memberships = memberships.filter(team__is_active=True)
    if scope.teams is not None:
        memberships = memberships.filter(team_id__in=scope.teams)
    if scope.programs is not None:
        memberships = memberships.filter(team__programs__in=scope.programs)
    if query.team is not None:
        memberships = memberships.filter(team_id=query.team)
    if query.program is not None:
        memberships = memberships.filter(team__programs=query.program)
    keys: dict[int, set[int | None]] = defaultdict(set)
    if query.group_by == "program":
        for user_id, program_id in memberships.values_list("user_id", "team__programs").distinct():
            if (scope.programs is None or program_id in scope.programs) and query.program in (None, program_id):
                keys[user_id].add(program_id)
    else:
        for user_id, team_id in memberships.values_list("user_id", "team_id").distinct():
            keys[user_id].add({"team": team_id, "agent": user_id}.get(query.group_by))
    return keys


def _label(rows: list[MetricRow], group_by: str) -> None:
    keys = {r.key for r in rows if r.key is not None}
    names: dict[int, str] = {}
    if group_by == "program":
        names = dict(Program.objects.filter(pk__in=keys).values_list("pk", "name"))
    elif group_by == "team":
        names = dict(Team.objects.filter(pk__in=keys).values_list("pk", "name"))
    elif group_by == "agent":
        agents = User.objects.filter(pk__in=keys).only("username", "first_name", "last_name")
        names = {agent.pk: str(agent) for agent in agents}
    for row in rows:
        row.label = "All" if group_by == "none" else names.get(row.key or 0, str(row.key))


def dashboard_teams(*, actor: User) -> list[tuple[int, str]]:
    """The teams whose figures the actor may pick on the dashboard: admins all, supervisors those they lead,
    managers those serving their programs."""
    teams = Team.objects.filter(is_active=True) if is_admin(actor) else team_list(actor=actor)
    if actor.role == Role.SUPERVISOR:
        teams = teams.filter(memberships__user=actor, memberships__is_supervisor=True)
    return list(teams.order_by("name").values_list("pk", "name").distinct())


def agent_team_names(*, agent: User) -> list[str]:
    return list(Membership.objects.filter(user=agent).order_by("team__name").values_list("team__name", flat=True))


def agent_calls(*, actor: Actor, agent: User, start: datetime, end: datetime, limit: int = 100) -> list[Call]:
    """The calls behind an agent's figures (drill-down), newest first, within the actor's programs."""
    calls = call_list(actor=actor).filter(agent=agent, started_at__gte=start, started_at__lt=end)
    return list(calls.order_by("-started_at")[:limit])


def targets_for(program: Program | int) -> ProgramTargets:
    """The program's targets, or the defaults (unsaved) when an admin never set any."""
    program_id = program if isinstance(program, int) else program.pk
    return ProgramTargets.objects.filter(program_id=program_id).first() or ProgramTargets(program_id=program_id)


def meets(metric: str, value: float | None, target: float | None) -> bool | None:
    """Whether ``value`` meets ``target`` (docs/metrics.md "Targets"); None when either is missing."""
    if value is None or target is None:
        return None
    lower_is_better = metric in {"aht_seconds", "asa_seconds", "abandon_rate"}
    return value <= target if lower_is_better else value >= target


@dataclass(frozen=True)
class Wallboard:
    """The live floor of an actor's teams or programs (``/wallboard/``)."""

    agents: list[dict[str, Any]]
    state_counts: dict[str, int]
    calls: LiveCalls
    callbacks_due: int
    callbacks_overdue: int
    tickets_at_risk: int
    tickets_breached: int
    approvals_waiting: int
    oldest_approval_since: datetime | None
    today: Totals
    service_level_target: float | None


def wallboard(*, actor: User, now: datetime | None = None) -> Wallboard:
    now = now or timezone.now()
    agents = team_agent_states(actor=actor)
    counts = dict.fromkeys(AgentState.values, 0)
    for agent in agents:
        counts[agent["state"]] += 1
    scope = metrics_scope(actor)
    teams = sorted(scope.teams) if scope is not None and scope.teams is not None else None
    soon = follow_up_list(actor=actor).filter(status=FollowUp.Status.SCHEDULED, due_at__lte=now + CALLBACK_SOON)
    if teams is not None:
        soon = follow_ups_of_teams(soon, teams)
    callbacks = soon.aggregate(
        due=Count("pk", distinct=True), overdue=Count("pk", filter=Q(due_at__lte=now), distinct=True)
    )
    at_risk, breached = ticket_sla_risk(actor=actor, teams=teams, now=now)
    approvals = approval_queue(actor=actor).aggregate(waiting=Count("pk"), oldest=Min("created_at"))
    local = now.astimezone(timezone.get_current_timezone())
    midnight = datetime.combine(local.date(), time(), tzinfo=local.tzinfo)
    today = metrics_total(
        actor=actor, query=Query(start=midnight, end=midnight + timedelta(days=1), tz=timezone.get_current_timezone())
    )
    programs = list(served_program_ids(actor))
    target = targets_for(programs[0]).service_level if len(programs) == 1 else None
    return Wallboard(
        agents=agents, state_counts=counts, calls=calls_live(actor=actor, now=now), callbacks_due=callbacks["due"],
        callbacks_overdue=callbacks["overdue"], tickets_at_risk=at_risk, tickets_breached=breached,
        approvals_waiting=approvals["waiting"], oldest_approval_since=approvals["oldest"], today=today,
        service_level_target=target,
    )  # fmt: skip

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
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection
from django.db.models import BigIntegerField, Count, DateField, DateTimeField, F, Min, Q, QuerySet, Sum, Value
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
# The agent-state sums occupancy reads (break time is kept, not shown).
OCCUPANCY_SUMS = ("available_seconds", "on_call_seconds", "wrap_up_seconds")
# A callback due within this long is "due" on the wallboard.
CALLBACK_SOON = timedelta(minutes=15)


@dataclass(slots=True)
class Totals:
    """Summed counts of one interval and group; every metric is a property computed from them (a ratio of
    nothing counted is None). Written out rather than through a helper: a month of per-agent rows reads
    13 of them on each of 6,000 rows."""

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

    def add_sums(self, sums: tuple[int | None, ...], names: tuple[str, ...]) -> None:
        """Adds a database row's sums of the columns ``names`` (the same names here), in that order. A whole
        range's sums over no rows are NULL."""
        for name, value in zip(names, sums, strict=True):
            setattr(self, name, getattr(self, name) + (value or 0))

    @property
    def aht_seconds(self) -> float | None:
        handle = self.talk_seconds + self.hold_seconds + self.wrap_up_seconds
        return handle / self.handled if self.handled else None

    @property
    def asa_seconds(self) -> float | None:
        return self.wait_seconds / self.answered if self.answered else None

    @property
    def service_level(self) -> float | None:
        offered = self.answered + self.abandoned
        return self.answered_in_time / offered if offered else None

    @property
    def abandon_rate(self) -> float | None:
        counted = self.offered - self.short_abandoned
        return self.abandoned / counted if counted else None

    @property
    def fcr_rate(self) -> float | None:
        return self.resolved_first / self.handled if self.handled else None

    @property
    def transfer_rate(self) -> float | None:
        return self.transferred / self.handled if self.handled else None

    @property
    def occupancy(self) -> float | None:
        busy = self.on_call_seconds + self.state_wrap_up_seconds
        whole = self.available_seconds + busy
        return busy / whole if whole else None

    @property
    def csat(self) -> float | None:
        return self.csat_satisfied / self.csat_responses if self.csat_responses else None

    @property
    def csat_mean(self) -> float | None:
        return self.csat_score_sum / self.csat_responses if self.csat_responses else None

    @property
    def qa_score(self) -> float | None:
        """The mean review score as a ratio (points are hundredths of a percent)."""
        return self.qa_points / (self.qa_reviews * 10_000) if self.qa_reviews else None

    @property
    def sla_met_rate(self) -> float | None:
        return self.resolved_in_time / self.resolved_with_due if self.resolved_with_due else None

    @property
    def approval_turnaround_seconds(self) -> float | None:
        return self.approval_seconds / self.approvals_decided if self.approvals_decided else None

    @property
    def callbacks_on_time_rate(self) -> float | None:
        return self.callbacks_on_time / self.callbacks_due if self.callbacks_due else None

    def figures(self, head: dict[str, Any] | None = None) -> dict[str, Any]:
        """The metrics as the API, the CSV export and the screens name them (DESIGN "metrics"), after
        ``head``'s fields (a row's interval and group: one dict built, not two merged)."""
        return {
            **(head or {}),
            "offered": self.offered,
            "answered": self.answered,
            "handled": self.handled,
            "abandoned": self.abandoned,
            "short_abandoned": self.short_abandoned,
            "aht_seconds": _round(self.aht_seconds, 1),
            "asa_seconds": _round(self.asa_seconds, 1),
            "service_level": _round(self.service_level, 4),
            "abandon_rate": _round(self.abandon_rate, 4),
            "fcr_rate": _round(self.fcr_rate, 4),
            "transfer_rate": _round(self.transfer_rate, 4),
            "occupancy": _round(self.occupancy, 4),
            "csat": _round(self.csat, 4),
            "csat_mean": _round(self.csat_mean, 2),
            "csat_responses": self.csat_responses,
            "qa_score": _round(self.qa_score, 4),
            "qa_reviews": self.qa_reviews,
            "qa_failed": self.qa_failed,
            "tickets_opened": self.tickets_opened,
            "tickets_resolved": self.tickets_resolved,
            "sla_met_rate": _round(self.sla_met_rate, 4),
            "approvals_decided": self.approvals_decided,
            "approval_turnaround_seconds": _round(self.approval_turnaround_seconds, 1),
            "callbacks_due": self.callbacks_due,
            "callbacks_on_time_rate": _round(self.callbacks_on_time_rate, 4),
        }


_TOTALS_FIELDS = tuple(f.name for f in fields(Totals))


def sum_totals(rows: list[MetricRow]) -> Totals:
    """The rows' figures as one (a range's total from its intervals)."""
    total = Totals()
    for row in rows:
        total.add(row.totals)
    return total


_SCALES = {digits: 10.0**digits for digits in range(7)}


def _round(value: float | None, digits: int) -> float | None:
    """``value`` to ``digits`` decimals, halves up. Python's ``round`` goes through decimal digits and was
    most of the time of a month of per-agent rows (12 figures a row)."""
    if value is None:
        return None
    scale = _SCALES[digits]
    return math.floor(value * scale + 0.5) / scale


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
    """One row per interval (in ``query.tz``) and group with data, oldest first, then by label."""
    scope = metrics_scope(actor)
    if scope is None:
        return []
    rows = _Rows(query)
    zone = _days_zone(query)
    calls = _scoped(CallDay.objects.all() if zone else CallInterval.objects.all(), scope, query, agent=True, zone=zone)
    group_field = {"none": None, "program": "program_id", "team": "team_id", "agent": "agent_id"}[query.group_by]
    _add_sums(rows, calls.annotate(bucket=_bucket(query, zone)), group_field, CALL_SUMS)
    if query.group_by != "agent" and scope.agent is None and query.agent is None:
        work = _scoped(WorkInterval.objects.all(), scope, query, agent=False)
        group_field = {"none": None, "program": "program_id", "team": "team_id"}[query.group_by]
        _add_sums(rows, work.annotate(bucket=_bucket(query, None)), group_field, WORK_SUMS)
    _add_states(rows, scope, query, zone)
    _label(rows.rows.values(), query.group_by)
    return sorted(rows.rows.values(), key=lambda r: (r.start, r.label))


def _add_sums(rows: _Rows, source: QuerySet[Any], group_field: str | None, names: tuple[str, ...]) -> None:
    """Adds ``source``'s sums of ``names`` per bucket and group to the rows being summed (a whole range's
    constant bucket stays out of the GROUP BY)."""
    keys = ["bucket", group_field] if group_field else ["bucket"]
    summed = source.values(*keys).annotate(**_sums(names)).values_list(*keys, *names)
    for row in _fetch(summed):
        key = row[1] if group_field else None
        if group_field and key is None:
            continue  # calls nobody answered, callbacks: they count for the program and in "all", not in a group
        rows.totals(row[0], key).add_sums(row[len(keys) :], names)


def _sums(names: tuple[str, ...]) -> dict[str, Any]:
    """SUM of each column as a bigint (an ``int``; PostgreSQL sums a bigint column as numeric)."""
    return {name: Cast(Sum(name), BigIntegerField()) for name in names}


def _fetch(rows: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """An aggregate's rows as the driver returns them. Django's per-value converters cost more than the
    query on a month of per-agent days (20,000 rows); the sums are bigints already, and a bucket comes back
    as a date, an aware datetime, or a naive local datetime (``_Rows.totals`` reads all three)."""
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class _Rows:
    """The rows being summed, by interval start and group key; an interval's edges are worked out once."""

    def __init__(self, query: Query) -> None:
        self.query = query
        self.rows: dict[tuple[datetime, int | None], MetricRow] = {}
        self._edges: dict[datetime | date, tuple[datetime, datetime]] = {}

    def totals(self, bucket: datetime | date, key: int | None) -> Totals:
        """The totals of the row of ``bucket`` (an interval's start, or a day rollup's local day) and ``key``."""
        edges = self._edges.get(bucket)
        if edges is None:
            whole = self.query.interval == WHOLE_RANGE
            edges = self._edges[bucket] = (self.query.start, self.query.end) if whole else _edges(self.query, bucket)
        found = self.rows.get((edges[0], key))
        if found is None:
            found = self.rows[(edges[0], key)] = MetricRow(edges[0], edges[1], self.query.group_by, key, "")
        return found.totals


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


def _edges(query: Query, bucket: datetime | date) -> tuple[datetime, datetime]:
    """Start and end of the interval ``bucket`` begins: a day rollup's day begins at its local midnight; a
    truncated time without a zone is a wall-clock time in the query's zone."""
    if not isinstance(bucket, datetime):
        start = datetime.combine(bucket, time(), tzinfo=query.tz)
    else:
        start = bucket if bucket.tzinfo is not None else bucket.replace(tzinfo=query.tz)
    local = start.astimezone(query.tz).replace(tzinfo=None)
    return start, (local + _STEP[query.interval]).replace(tzinfo=query.tz)


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


def _add_states(rows: _Rows, scope: Scope, query: Query, zone: str | None) -> None:
    """Adds the agents' state time to the rows of the groups each agent counts for."""
    members = _members(scope, query)
    if not members:
        return
    source = AgentDay.objects.all() if zone else AgentInterval.objects.all()
    # Without groups every agent counts once, in the one row of its interval: the database sums them.
    per_agent = query.group_by != "none"
    keys = ["bucket", "agent_id"] if per_agent else ["bucket"]
    states = (
        _in_range(source.filter(agent_id__in=members), query, zone)
        .annotate(bucket=_bucket(query, zone))
        .values(*keys)
        .annotate(**_sums(OCCUPANCY_SUMS))
        .values_list(*keys, *OCCUPANCY_SUMS)
    )
    for row in _fetch(states):
        bucket, (available, on_call, wrap_up) = row[0], row[len(keys) :]
        for key in members[row[1]] if per_agent else (None,):
            totals = rows.totals(bucket, key)
            totals.available_seconds += available or 0
            totals.on_call_seconds += on_call or 0
            totals.state_wrap_up_seconds += wrap_up or 0


def _label(rows: Any, group_by: str) -> None:
    rows = list(rows)
    keys = {r.key for r in rows if r.key is not None}
    names: dict[int, str] = {}
    if group_by == "program":
        names = dict(Program.objects.filter(pk__in=keys).values_list("pk", "name"))
    elif group_by == "team":
        names = dict(Team.objects.filter(pk__in=keys).values_list("pk", "name"))
    elif group_by == "agent":
        names = {u.pk: u.get_full_name() or u.username for u in User.objects.filter(pk__in=keys)}
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

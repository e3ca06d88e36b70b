"""Keeps the metric rollups current (docs/metrics.md): whole intervals rewritten from their sources.

Each run is incremental and idempotent. ``calls_rollup`` reads the calls changed since its cursor
(``updated_at``, re-reading a short margin for transactions that committed late), and rewrites every
interval that holds one of them, from all the calls of that interval: running it twice, or after late
call events, gives the same rows. ``agent_states_rollup`` rewrites the intervals from its cursor to now
from the agent-state spans that overlap them. ``metrics_restate`` rewrites a past range whatever the
cursors say (after a threshold changes, or by hand with ``manage.py metrics_restate``). Work is done in
batches, one short transaction each, under an advisory lock so two workers never rewrite at once.

Whatever rewrites intervals also re-sums, in the same transaction, the local days that hold them in every
reporting zone (``CallDay``, ``AgentDay``); ``reporting_zones_sync`` adds and drops zones as programs and
users pick them.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from agents.models import Program, User
from config.bulk import bulk_transaction
from reports.models import (
    CALL_SUMS,
    INTERVAL_MINUTES,
    STATE_SUMS,
    AgentDay,
    CallDay,
    ProgramTargets,
    ReportingZone,
    RollupCursor,
)

# Re-read this much before the cursor (the time of the last read): a transaction that stamped updated_at
# before it but committed after it is still seen (statements time out long before).
MARGIN = timedelta(minutes=2)
# Intervals rewritten per transaction.
INTERVAL_BATCH = 500
# Agent-state time rewritten per transaction.
STATE_WINDOW = timedelta(days=1)
INTERVAL = timedelta(minutes=INTERVAL_MINUTES)
STEP = f"{INTERVAL_MINUTES} minutes"  # the same, as SQL reads it
# A callback done this long after its due time still counts as kept on time (docs/metrics.md).
CALLBACK_GRACE = "15 minutes"
_LOCK = 0x5B_0E_11  # pg_advisory_xact_lock key of the rollups

# One row per (interval, program, team, agent) from the inbound calls of the given (program, start)
# intervals and the survey answers and quality reviews counted in them. The team is the agent's team in the
# call's program (the lowest id when several: ``agents.selectors.agent_home_team``).
_CALLS_SQL = """
INSERT INTO reports_callinterval (
    start, program_id, team_id, agent_id, offered, answered, answered_in_time, abandoned, short_abandoned,
    handled, resolved_first, transferred, wait_seconds, talk_seconds, hold_seconds, wrap_up_seconds,
    csat_responses, csat_satisfied, csat_score_sum, qa_reviews, qa_points, qa_failed)
SELECT x.start, x.program_id, team.id, x.agent_id, sum(offered), sum(answered), sum(answered_in_time),
       sum(abandoned), sum(short_abandoned), sum(handled), sum(resolved_first), sum(transferred),
       sum(wait_seconds), sum(talk_seconds), sum(hold_seconds), sum(wrap_up_seconds),
       sum(csat_responses), sum(csat_satisfied), sum(csat_score_sum), sum(qa_reviews), sum(qa_points),
       sum(qa_failed)
FROM (
    SELECT d.start, c.program_id, c.agent_id,
       count(*) AS offered,
       count(*) FILTER (WHERE c.answered_at IS NOT NULL) AS answered,
       count(*) FILTER (WHERE c.answered_at IS NOT NULL AND c.wait_seconds <= coalesce(t.service_level_seconds, 20))
         AS answered_in_time,
       count(*) FILTER (WHERE c.state = 'abandoned' AND c.wait_seconds >= coalesce(t.short_abandon_seconds, 5))
         AS abandoned,
       count(*) FILTER (WHERE c.state = 'abandoned' AND c.wait_seconds < coalesce(t.short_abandon_seconds, 5))
         AS short_abandoned,
       count(*) FILTER (WHERE c.answered_at IS NOT NULL AND c.ended_at IS NOT NULL) AS handled,
       count(*) FILTER (WHERE c.answered_at IS NOT NULL AND c.ended_at IS NOT NULL AND c.first_contact_resolution)
         AS resolved_first,
       count(*) FILTER (WHERE c.answered_at IS NOT NULL AND c.ended_at IS NOT NULL AND c.transferred) AS transferred,
       coalesce(sum(c.wait_seconds) FILTER (WHERE c.answered_at IS NOT NULL), 0) AS wait_seconds,
       coalesce(sum(c.talk_seconds) FILTER (WHERE c.answered_at IS NOT NULL AND c.ended_at IS NOT NULL), 0)
         AS talk_seconds,
       coalesce(sum(c.hold_seconds) FILTER (WHERE c.answered_at IS NOT NULL AND c.ended_at IS NOT NULL), 0)
         AS hold_seconds,
       coalesce(sum(c.wrap_up_seconds) FILTER (WHERE c.answered_at IS NOT NULL AND c.ended_at IS NOT NULL), 0)
         AS wrap_up_seconds,
       0 AS csat_responses, 0 AS csat_satisfied, 0 AS csat_score_sum, 0 AS qa_reviews, 0::bigint AS qa_points,
       0 AS qa_failed
    FROM unnest(%(programs)s::bigint[], %(starts)s::timestamptz[]) AS d(program_id, start)
    CROSS JOIN LATERAL (
        SELECT * FROM crm_call WHERE program_id = d.program_id AND started_at >= d.start
                                 AND started_at < d.start + %(step)s::interval AND direction = 'inbound'
        OFFSET 0  -- one index range per interval, never a join of every interval with every call
    ) c
    LEFT JOIN reports_programtargets t ON t.program_id = c.program_id
    GROUP BY d.start, c.program_id, c.agent_id
    UNION ALL
    SELECT d.start, r.program_id, r.agent_id, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
           count(*), count(*) FILTER (WHERE r.score >= 4), sum(r.score), 0, 0, 0
    FROM unnest(%(programs)s::bigint[], %(starts)s::timestamptz[]) AS d(program_id, start)
    CROSS JOIN LATERAL (
        SELECT * FROM quality_surveyresponse WHERE program_id = d.program_id AND attributed_at >= d.start
                                               AND attributed_at < d.start + %(step)s::interval
        OFFSET 0
    ) r
    GROUP BY d.start, r.program_id, r.agent_id
    UNION ALL
    -- Quality reviews whose score stands (docs/metrics.md): submitted, acknowledged or decided; not while
    -- disputed, never a calibration's.
    SELECT d.start, q.program_id, q.agent_id, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
           count(*), sum(round(q.score * 100))::bigint, count(*) FILTER (WHERE q.failed_critical)
    FROM unnest(%(programs)s::bigint[], %(starts)s::timestamptz[]) AS d(program_id, start)
    CROSS JOIN LATERAL (
        SELECT * FROM quality_review WHERE program_id = d.program_id AND attributed_at >= d.start
                                       AND attributed_at < d.start + %(step)s::interval
                                       AND status IN ('submitted', 'acknowledged', 'final')
                                       AND calibration_id IS NULL
        OFFSET 0
    ) q
    GROUP BY d.start, q.program_id, q.agent_id
) x
LEFT JOIN (
    SELECT DISTINCT ON (m.user_id, tp.program_id) m.user_id, tp.program_id, m.team_id AS id
    FROM agents_membership m JOIN agents_team_programs tp ON tp.team_id = m.team_id
    ORDER BY m.user_id, tp.program_id, m.team_id
) team ON team.user_id = x.agent_id AND team.program_id = x.program_id
GROUP BY x.start, x.program_id, team.id, x.agent_id
"""

# One row per (interval, program, team) of the ticket, approval and callback events of the given intervals:
# tickets opened (created_at) and resolved (resolved_at), approvals decided (decided_at), callbacks due (due_at).
_WORK_SQL = """
INSERT INTO reports_workinterval (
    start, program_id, team_id, tickets_opened, tickets_resolved, resolved_with_due, resolved_in_time,
    approvals_decided, approval_seconds, callbacks_due, callbacks_on_time)
SELECT start, program_id, team_id, sum(opened), sum(resolved), sum(with_due), sum(in_time), sum(decided),
       sum(decision_seconds), sum(due), sum(on_time)
FROM (
    SELECT d.start, t.program_id, t.team_id, 1 AS opened, 0 AS resolved, 0 AS with_due, 0 AS in_time,
           0 AS decided, 0::bigint AS decision_seconds, 0 AS due, 0 AS on_time
    FROM unnest(%(programs)s::bigint[], %(starts)s::timestamptz[]) AS d(program_id, start)
    CROSS JOIN LATERAL (SELECT * FROM tickets_ticket WHERE program_id = d.program_id AND created_at >= d.start
                        AND created_at < d.start + %(step)s::interval OFFSET 0) t
    UNION ALL
    SELECT d.start, t.program_id, t.team_id, 0, 1, (t.resolution_due IS NOT NULL)::int,
           (t.resolution_due IS NOT NULL AND t.resolved_at <= t.resolution_due)::int, 0, 0, 0, 0
    FROM unnest(%(programs)s::bigint[], %(starts)s::timestamptz[]) AS d(program_id, start)
    CROSS JOIN LATERAL (SELECT * FROM tickets_ticket WHERE program_id = d.program_id AND resolved_at >= d.start
                        AND resolved_at < d.start + %(step)s::interval OFFSET 0) t
    UNION ALL
    SELECT d.start, a.program_id, a.team_id, 0, 0, 0, 0, 1,
           round(extract(epoch FROM a.decided_at - a.created_at))::bigint, 0, 0
    FROM unnest(%(programs)s::bigint[], %(starts)s::timestamptz[]) AS d(program_id, start)
    CROSS JOIN LATERAL (SELECT * FROM approvals_approvalrequest WHERE program_id = d.program_id
                        AND decided_at >= d.start AND decided_at < d.start + %(step)s::interval
                        AND status IN ('approved', 'rejected') OFFSET 0) a
    UNION ALL
    SELECT d.start, f.program_id, NULL, 0, 0, 0, 0, 0, 0, 1,
           (f.status = 'done' AND f.completed_at <= f.due_at + %(grace)s::interval)::int
    FROM unnest(%(programs)s::bigint[], %(starts)s::timestamptz[]) AS d(program_id, start)
    CROSS JOIN LATERAL (SELECT * FROM tickets_followup WHERE program_id = d.program_id AND due_at >= d.start
                        AND due_at < d.start + %(step)s::interval AND status <> 'cancelled' OFFSET 0) f
) AS events
GROUP BY start, program_id, team_id
"""

_WORK_DELETE = """
DELETE FROM reports_workinterval r
USING unnest(%(programs)s::bigint[], %(starts)s::timestamptz[]) AS d(program_id, start)
WHERE r.program_id = d.program_id AND r.start = d.start
"""

# The intervals holding a moment of the tickets, approvals and callbacks changed since the cursor.
_WORK_DIRTY = """
SELECT DISTINCT program_id, start FROM (
SELECT program_id, date_bin(%(step)s::interval, created_at, %(origin)s), updated_at FROM tickets_ticket
  WHERE updated_at > %(lower)s
UNION SELECT program_id, date_bin(%(step)s::interval, resolved_at, %(origin)s), updated_at FROM tickets_ticket
  WHERE updated_at > %(lower)s AND resolved_at IS NOT NULL
UNION SELECT program_id, date_bin(%(step)s::interval, decided_at, %(origin)s), updated_at
  FROM approvals_approvalrequest WHERE updated_at > %(lower)s AND decided_at IS NOT NULL
UNION SELECT program_id, date_bin(%(step)s::interval, due_at, %(origin)s), updated_at FROM tickets_followup
  WHERE updated_at > %(lower)s
) AS changed(program_id, start, updated_at)
"""

_CALLS_DIRTY = """
SELECT program_id, date_bin(%(step)s::interval, started_at, %(origin)s) FROM crm_call
WHERE updated_at > %(lower)s
UNION
SELECT program_id, date_bin(%(step)s::interval, attributed_at, %(origin)s) FROM quality_surveyresponse
WHERE updated_at > %(lower)s
UNION
SELECT program_id, date_bin(%(step)s::interval, attributed_at, %(origin)s) FROM quality_review
WHERE updated_at > %(lower)s
"""

_CALLS_DELETE = """
DELETE FROM reports_callinterval r
USING unnest(%(programs)s::bigint[], %(starts)s::timestamptz[]) AS d(program_id, start)
WHERE r.program_id = d.program_id AND r.start = d.start
"""

# Each span cut at the intervals' edges and at the window's; an open span runs until %(now)s.
_STATES_SQL = """
INSERT INTO reports_agentinterval (start, agent_id, available_seconds, on_call_seconds, wrap_up_seconds,
                                   break_seconds)
SELECT piece.start, s.user_id,
       coalesce(sum(piece.seconds) FILTER (WHERE s.state = 'available'), 0),
       coalesce(sum(piece.seconds) FILTER (WHERE s.state = 'on_call'), 0),
       coalesce(sum(piece.seconds) FILTER (WHERE s.state = 'wrap_up'), 0),
       coalesce(sum(piece.seconds) FILTER (WHERE s.state = 'break'), 0)
FROM agents_agentstatespan s
CROSS JOIN LATERAL (
    SELECT b AS start,
           round(extract(epoch FROM least(b + %(step)s::interval, coalesce(s.ended_at, %(now)s))
                                  - greatest(b, s.started_at)))::int AS seconds
    FROM generate_series(
        date_bin(%(step)s::interval, greatest(s.started_at, %(start)s), %(origin)s),
        least(coalesce(s.ended_at, %(now)s), %(end)s) - interval '1 microsecond',
        %(step)s::interval) AS b
) piece
WHERE s.started_at < %(end)s AND (s.ended_at IS NULL OR s.ended_at > %(start)s) AND s.state <> 'offline'
GROUP BY piece.start, s.user_id
HAVING sum(piece.seconds) > 0
"""


# The day rollups: each (zone, local day, program) re-summed from its intervals (a local day is a whole number
# of intervals in every zone). "day::timestamp AT TIME ZONE zone" is the day's local midnight.
_DAY_EDGES = """start >= d.day::timestamp AT TIME ZONE d.zone AND start < (d.day + 1)::timestamp AT TIME ZONE d.zone"""

_CALL_DAYS_DELETE = """
DELETE FROM reports_callday r
USING unnest(%(zones)s::text[], %(days)s::date[], %(programs)s::bigint[]) AS d(zone, day, program_id)
WHERE r.zone = d.zone AND r.day = d.day AND r.program_id = d.program_id
"""

_CALL_DAYS_SQL = f"""
INSERT INTO reports_callday (zone, day, program_id, team_id, agent_id, {", ".join(CALL_SUMS)})
SELECT d.zone, d.day, i.program_id, i.team_id, i.agent_id, {", ".join(f"sum(i.{n})" for n in CALL_SUMS)}
FROM unnest(%(zones)s::text[], %(days)s::date[], %(programs)s::bigint[]) AS d(zone, day, program_id)
CROSS JOIN LATERAL (
    SELECT * FROM reports_callinterval WHERE program_id = d.program_id AND {_DAY_EDGES} OFFSET 0
) i
GROUP BY d.zone, d.day, i.program_id, i.team_id, i.agent_id
"""  # noqa: S608 - constant text; values are parameters

_AGENT_DAYS_DELETE = """
DELETE FROM reports_agentday r USING unnest(%(zones)s::text[], %(days)s::date[]) AS d(zone, day)
WHERE r.zone = d.zone AND r.day = d.day
"""

_AGENT_DAYS_SQL = f"""
INSERT INTO reports_agentday (zone, day, agent_id, {", ".join(STATE_SUMS)})
SELECT d.zone, d.day, i.agent_id, {", ".join(f"sum(i.{n})" for n in STATE_SUMS)}
FROM unnest(%(zones)s::text[], %(days)s::date[]) AS d(zone, day)
CROSS JOIN LATERAL (SELECT * FROM reports_agentinterval WHERE {_DAY_EDGES} OFFSET 0) i
GROUP BY d.zone, d.day, i.agent_id
"""  # noqa: S608 - constant text; values are parameters
# Days re-summed per transaction when a zone's past is first written.
DAY_BATCH = 31


def interval_start(at: datetime) -> datetime:
    """The start of the rollup interval holding ``at`` (the same bins as the SQL's ``date_bin``)."""
    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    return at - (at - epoch) % INTERVAL


EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def _lock() -> None:
    """The rollups' lock for this transaction, which is a job's: the web's statement limit does not apply."""
    with connection.cursor() as cursor:
        bulk_transaction(cursor)
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK])


def _cursor(name: str, default: Callable[[], datetime]) -> RollupCursor:
    """The named cursor, locked for this transaction (the rollups' advisory lock taken first)."""
    _lock()
    found = RollupCursor.objects.select_for_update().filter(name=name).first()
    return found or RollupCursor.objects.create(name=name, position=default())


def _rewrite(pairs: Iterable[tuple[int, datetime]], delete: str, insert: str) -> int:
    pairs = sorted(set(pairs))
    if not pairs:
        return 0
    params: dict[str, Any] = {
        "programs": [p for p, _ in pairs], "starts": [s for _, s in pairs], "step": STEP, "grace": CALLBACK_GRACE,
    }  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(delete, params)
        cursor.execute(insert, params)
    return len(pairs)


def _rewrite_calls(pairs: Iterable[tuple[int, datetime]]) -> int:
    pairs = list(pairs)
    rewritten = _rewrite(pairs, _CALLS_DELETE, _CALLS_SQL)
    zones = _zones()
    _rewrite_call_days({(zone, _local_day(start, zone), program) for zone in zones for program, start in pairs})
    return rewritten


def _rewrite_call_days(triples: Iterable[tuple[str, date, int]]) -> None:
    triples = sorted(set(triples))
    if triples:
        zones, days, programs = zip(*triples, strict=True)
        params = {"zones": list(zones), "days": list(days), "programs": list(programs)}
        with connection.cursor() as cursor:
            cursor.execute(_CALL_DAYS_DELETE, params)
            cursor.execute(_CALL_DAYS_SQL, params)


def _rewrite_agent_days(pairs: Iterable[tuple[str, date]]) -> None:
    pairs = sorted(set(pairs))
    if pairs:
        zones, days = zip(*pairs, strict=True)
        params = {"zones": list(zones), "days": list(days)}
        with connection.cursor() as cursor:
            cursor.execute(_AGENT_DAYS_DELETE, params)
            cursor.execute(_AGENT_DAYS_SQL, params)


def _zones() -> list[str]:
    """The zones whose days are kept (being written or ready)."""
    return list(ReportingZone.objects.values_list("name", flat=True))


def _local_day(at: datetime, zone: str) -> date:
    return at.astimezone(zoneinfo.ZoneInfo(zone)).date()


def _local_days(start: datetime, end: datetime, zone: str) -> list[date]:
    """The local days of ``zone`` that ``[start, end)`` touches."""
    if end <= start:
        return []
    first, last = _local_day(start, zone), _local_day(end - timedelta(microseconds=1), zone)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _rewrite_work(pairs: Iterable[tuple[int, datetime]]) -> int:
    return _rewrite(pairs, _WORK_DELETE, _WORK_SQL)


def calls_rollup() -> int:
    """Rewrites every interval holding a call changed since the last run; returns how many intervals."""
    return _catch_up("calls", _CALLS_DIRTY, _rewrite_calls)


def work_rollup() -> int:
    """The same for tickets, approvals and callbacks: every interval holding one of their moments."""
    return _catch_up("work", _WORK_DIRTY, _rewrite_work)


def _catch_up(name: str, dirty: str, rewrite: Callable[[list[tuple[int, datetime]]], int]) -> int:
    """The changed rows are read once to find their intervals; the intervals are then rewritten a batch per
    transaction, and the cursor moves only once all are done (a run stopped half-way is simply redone). The
    cursor is the time of that read: the next run reads from it, less the margin."""
    with transaction.atomic():
        cursor = _cursor(name, default=lambda: EPOCH)
        with connection.cursor() as db:
            db.execute("SELECT transaction_timestamp()")
            read_at = db.fetchone()[0]
            db.execute(dirty, {"step": STEP, "origin": EPOCH, "lower": cursor.position - MARGIN})
            pairs = sorted(db.fetchall())
    for first in range(0, len(pairs), INTERVAL_BATCH):
        with transaction.atomic():
            _lock()
            rewrite(pairs[first : first + INTERVAL_BATCH])
    with transaction.atomic():
        cursor = _cursor(name, default=lambda: EPOCH)
        if read_at > cursor.position:
            cursor.position = read_at
            cursor.save(update_fields=["position"])
    return len(pairs)


def agent_states_rollup(*, now: datetime | None = None) -> int:
    """Rewrites the intervals from the last run (less the margin) to now; returns how many windows."""
    now = now or timezone.now()
    windows = 0
    while True:
        with transaction.atomic():
            cursor = _cursor("agent_states", default=lambda: _first_state_at(now))
            start = interval_start(min(cursor.position, now) - MARGIN)
            end = min(start + STATE_WINDOW, now)
            _rewrite_states(start, end, now)
            cursor.position = end
            cursor.save(update_fields=["position"])
            windows += 1
        if end >= now:
            return windows


def _first_state_at(now: datetime) -> datetime:
    with connection.cursor() as db:
        db.execute("SELECT min(started_at) FROM agents_agentstatespan")
        first = db.fetchone()[0]
    return first or now


def _rewrite_states(start: datetime, end: datetime, now: datetime) -> None:
    with connection.cursor() as db:
        db.execute("DELETE FROM reports_agentinterval WHERE start >= %s AND start < %s", [start, end])
        db.execute(_STATES_SQL, {"start": start, "end": end, "now": now, "step": STEP, "origin": EPOCH})
    _rewrite_agent_days((zone, day) for zone in _zones() for day in _local_days(start, end, zone))


def reporting_zones() -> set[str]:
    """The zones people read metrics in: the server's, every active program's and every active user's."""
    zones = {settings.TIME_ZONE}
    zones.update(Program.objects.filter(is_active=True).values_list("time_zone", flat=True))
    zones.update(User.objects.filter(is_active=True).values_list("time_zone", flat=True).distinct())
    return zones


def reporting_zones_sync() -> int:
    """Keeps day rollups for exactly ``reporting_zones()``: a zone nobody uses any more loses its days; a new
    zone has its past days written, a month per transaction, and is then marked ready for reads. Returns how
    many zones were added."""
    wanted = reporting_zones()
    with transaction.atomic():
        _lock()
        gone = list(ReportingZone.objects.exclude(name__in=wanted).values_list("name", flat=True))
        CallDay.objects.filter(zone__in=gone).delete()
        AgentDay.objects.filter(zone__in=gone).delete()
        ReportingZone.objects.filter(name__in=gone).delete()
        ReportingZone.objects.bulk_create([ReportingZone(name=name) for name in wanted], ignore_conflicts=True)
    added = 0
    for zone in ReportingZone.objects.filter(ready=False).values_list("name", flat=True):
        _write_zone_days(zone)
        ReportingZone.objects.filter(name=zone).update(ready=True)
        added += 1
    return added


def _write_zone_days(zone: str) -> None:
    with connection.cursor() as db:
        db.execute(
            "SELECT least((SELECT min(start) FROM reports_callinterval),"
            " (SELECT min(start) FROM reports_agentinterval))"
        )
        first = db.fetchone()[0]
    if first is None:
        return
    days = _local_days(first, timezone.now() + INTERVAL, zone)
    programs = list(Program.objects.values_list("pk", flat=True))
    for at in range(0, len(days), DAY_BATCH):
        batch = days[at : at + DAY_BATCH]
        with transaction.atomic():
            _lock()
            _rewrite_call_days((zone, day, program) for day in batch for program in programs)
            _rewrite_agent_days((zone, day) for day in batch)


def metrics_restate(*, start: datetime, end: datetime, program_ids: Iterable[int] | None = None) -> int:
    """Rewrites every interval of ``[start, end)`` (of the given programs, else all): calls, tickets, approvals
    and callbacks, and the agent states of that range, a day per transaction, whatever the cursors say. An
    interval left with nothing loses its row. Returns the days rewritten."""
    programs = list(program_ids) if program_ids is not None else list(Program.objects.values_list("pk", flat=True))
    day, days, now = interval_start(start), 0, timezone.now()
    while day < end:
        stop = min(day + timedelta(days=1), end)
        starts = [day + INTERVAL * n for n in range(int((stop - day) / INTERVAL))]
        pairs = [(program, at) for program in programs for at in starts]
        with transaction.atomic():
            _lock()
            _rewrite_calls(pairs)
            _rewrite_work(pairs)
            if program_ids is None:
                _rewrite_states(day, min(stop, now), now)
        day, days = stop, days + 1
    return days


def metrics_rollup() -> dict[str, int]:
    """The periodic task's work: programs whose thresholds changed are restated, then the rollups catch up."""
    restated = 0
    for targets in ProgramTargets.objects.filter(restate_pending=True):
        with connection.cursor() as db:
            db.execute("SELECT min(started_at) FROM crm_call WHERE program_id = %s", [targets.program_id])
            first = db.fetchone()[0]
        if first is not None:
            metrics_restate(start=first, end=timezone.now() + INTERVAL, program_ids=[targets.program_id])
        ProgramTargets.objects.filter(pk=targets.pk, updated_at=targets.updated_at).update(restate_pending=False)
        restated += 1
    return {
        "zones_added": reporting_zones_sync(),
        "restated_programs": restated,
        "call_intervals": calls_rollup(),
        "work_intervals": work_rollup(),
        "state_windows": agent_states_rollup(),
    }

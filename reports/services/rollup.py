"""Keeps the metric rollups current (docs/metrics.md): whole intervals rewritten from their sources.

Each run is incremental and idempotent. ``calls_rollup`` reads the calls changed since its cursor
(``updated_at``, re-reading a short margin for transactions that committed late), and rewrites every
interval that holds one of them, from all the calls of that interval: running it twice, or after late
call events, gives the same rows. ``agent_states_rollup`` rewrites the intervals from its cursor to now
from the agent-state spans that overlap them. ``metrics_restate`` rewrites a past range whatever the
cursors say (after a threshold changes, or by hand with ``manage.py metrics_restate``). Work is done in
batches, one short transaction each, under an advisory lock so two workers never rewrite at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from reports.models import INTERVAL_MINUTES, ProgramTargets, RollupCursor

# Re-read this much before the cursor: a transaction that stamped updated_at earlier but committed after
# the last run is still seen (statements time out long before).
MARGIN = timedelta(minutes=2)
# Intervals rewritten per transaction.
INTERVAL_BATCH = 500
# Agent-state time rewritten per transaction.
STATE_WINDOW = timedelta(days=1)
INTERVAL = timedelta(minutes=INTERVAL_MINUTES)
STEP = f"{INTERVAL_MINUTES} minutes"  # the same, as SQL reads it
_LOCK = 0x5B_0E_11  # pg_advisory_xact_lock key of the rollups

# One row per (interval, program, team, agent) from the inbound calls of the given (program, start)
# intervals. The team is the agent's team in the call's program (the lowest id when several).
_CALLS_SQL = """
INSERT INTO reports_callinterval (
    start, program_id, team_id, agent_id, offered, answered, answered_in_time, abandoned, short_abandoned,
    handled, resolved_first, transferred, wait_seconds, talk_seconds, hold_seconds, wrap_up_seconds)
SELECT d.start, c.program_id, team.id, c.agent_id,
       count(*),
       count(*) FILTER (WHERE c.answered_at IS NOT NULL),
       count(*) FILTER (WHERE c.answered_at IS NOT NULL AND c.wait_seconds <= coalesce(t.service_level_seconds, 20)),
       count(*) FILTER (WHERE c.state = 'abandoned' AND c.wait_seconds >= coalesce(t.short_abandon_seconds, 5)),
       count(*) FILTER (WHERE c.state = 'abandoned' AND c.wait_seconds < coalesce(t.short_abandon_seconds, 5)),
       count(*) FILTER (WHERE c.answered_at IS NOT NULL AND c.ended_at IS NOT NULL),
       count(*) FILTER (WHERE c.answered_at IS NOT NULL AND c.ended_at IS NOT NULL AND c.first_contact_resolution),
       count(*) FILTER (WHERE c.answered_at IS NOT NULL AND c.ended_at IS NOT NULL AND c.transferred),
       coalesce(sum(c.wait_seconds) FILTER (WHERE c.answered_at IS NOT NULL), 0),
       coalesce(sum(c.talk_seconds) FILTER (WHERE c.answered_at IS NOT NULL AND c.ended_at IS NOT NULL), 0),
       coalesce(sum(c.hold_seconds) FILTER (WHERE c.answered_at IS NOT NULL AND c.ended_at IS NOT NULL), 0),
       coalesce(sum(c.wrap_up_seconds) FILTER (WHERE c.answered_at IS NOT NULL AND c.ended_at IS NOT NULL), 0)
FROM unnest(%(programs)s::bigint[], %(starts)s::timestamptz[]) AS d(program_id, start)
JOIN crm_call c ON c.program_id = d.program_id AND c.started_at >= d.start
                AND c.started_at < d.start + %(step)s::interval AND c.direction = 'inbound'
LEFT JOIN reports_programtargets t ON t.program_id = c.program_id
LEFT JOIN LATERAL (
    SELECT m.team_id AS id FROM agents_membership m
    JOIN agents_team_programs tp ON tp.team_id = m.team_id AND tp.program_id = c.program_id
    WHERE m.user_id = c.agent_id ORDER BY m.team_id LIMIT 1
) team ON true
GROUP BY d.start, c.program_id, team.id, c.agent_id
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


def interval_start(at: datetime) -> datetime:
    """The start of the rollup interval holding ``at`` (the same bins as the SQL's ``date_bin``)."""
    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    return at - (at - epoch) % INTERVAL


EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def _lock() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK])


def _cursor(name: str, default: Callable[[], datetime]) -> RollupCursor:
    """The named cursor, locked for this transaction (the rollups' advisory lock taken first)."""
    _lock()
    found = RollupCursor.objects.select_for_update().filter(name=name).first()
    return found or RollupCursor.objects.create(name=name, position=default())


def _rewrite_calls(pairs: Iterable[tuple[int, datetime]]) -> int:
    pairs = sorted(set(pairs))
    if not pairs:
        return 0
    params: dict[str, Any] = {"programs": [p for p, _ in pairs], "starts": [s for _, s in pairs], "step": STEP}
    with connection.cursor() as cursor:
        cursor.execute(_CALLS_DELETE, params)
        cursor.execute(_CALLS_SQL, params)
    return len(pairs)


def calls_rollup() -> int:
    """Rewrites every interval holding a call changed since the last run; returns how many intervals.

    The changed calls are read once to find their intervals; the intervals are then rewritten a batch per
    transaction, and the cursor moves only once all are done (a run stopped half-way is simply redone).
    """
    with transaction.atomic():
        cursor = _cursor("calls", default=lambda: EPOCH)
        with connection.cursor() as db:
            db.execute(
                "SELECT program_id, date_bin(%(step)s::interval, started_at, %(origin)s), max(updated_at) "
                "FROM crm_call WHERE updated_at > %(lower)s GROUP BY 1, 2",
                {"step": STEP, "origin": EPOCH, "lower": cursor.position - MARGIN},
            )
            found = db.fetchall()
    if not found:
        return 0
    pairs = sorted((program, start) for program, start, _ in found)
    for first in range(0, len(pairs), INTERVAL_BATCH):
        with transaction.atomic():
            _lock()
            _rewrite_calls(pairs[first : first + INTERVAL_BATCH])
    newest = max(changed for _, _, changed in found)
    with transaction.atomic():
        cursor = _cursor("calls", default=lambda: EPOCH)
        if newest > cursor.position:
            cursor.position = newest
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


def metrics_restate(*, start: datetime, end: datetime, program_ids: Iterable[int] | None = None) -> int:
    """Rewrites every call interval of ``[start, end)`` (of the given programs, else all) and the agent-state
    intervals of that range, a day per transaction, whatever the cursors say. Returns the days rewritten."""
    programs = list(program_ids) if program_ids is not None else None
    day, days, now = interval_start(start), 0, timezone.now()
    while day < end:
        stop = min(day + timedelta(days=1), end)
        with transaction.atomic():
            _lock()
            with connection.cursor() as db:
                # The intervals that have calls now, and those that had: a rollup row with no call left goes.
                db.execute(
                    "SELECT DISTINCT program_id, date_bin(%(step)s::interval, started_at, %(origin)s) FROM crm_call "
                    "WHERE started_at >= %(day)s AND started_at < %(stop)s "
                    "AND (%(programs)s::bigint[] IS NULL OR program_id = ANY(%(programs)s)) "
                    "UNION SELECT program_id, start FROM reports_callinterval "
                    "WHERE start >= %(day)s AND start < %(stop)s "
                    "AND (%(programs)s::bigint[] IS NULL OR program_id = ANY(%(programs)s))",
                    {"step": STEP, "origin": EPOCH, "day": day, "stop": stop, "programs": programs},
                )
                _rewrite_calls(db.fetchall())
            if programs is None:
                _rewrite_states(day, min(stop, now), now)
        day, days = stop, days + 1
    return days


def metrics_rollup() -> dict[str, int]:
    """The periodic task's work: programs whose thresholds changed are restated, then both rollups catch up."""
    restated = 0
    for targets in ProgramTargets.objects.filter(restate_pending=True):
        with connection.cursor() as db:
            db.execute("SELECT min(started_at) FROM crm_call WHERE program_id = %s", [targets.program_id])
            first = db.fetchone()[0]
        if first is not None:
            metrics_restate(start=first, end=timezone.now() + INTERVAL, program_ids=[targets.program_id])
        ProgramTargets.objects.filter(pk=targets.pk, updated_at=targets.updated_at).update(restate_pending=False)
        restated += 1
    return {"restated_programs": restated, "call_intervals": calls_rollup(), "state_windows": agent_states_rollup()}

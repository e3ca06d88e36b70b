"""Metrics at a year of calls (issue 17): the dashboard's speed from rollups, and how fast they catch up.

    .venv/bin/python bench/metrics.py --calls 10000000 --agents 200 --requests 100

Uses its own database (switchboard_bench_metrics): seeds the demo data, 200 benchmark agents in teams of
20, N inbound calls spread over a year and each agent's states (``seed_metrics``; only what is missing),
and rolls them up (timed, the first time: the 15-minute intervals, then the local days of each zone in
use). Then, against gunicorn (4 workers, DEBUG off) as the demo
manager (every agent of the program): p50/p95 of a 30-day per-agent daily dashboard through the API, the
dashboard page with one team's agents, and the default dashboard. Last, it adds 100,000 new calls over the
past week and times the rollup catching up with them.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.parse
from datetime import UTC, datetime, timedelta

from _harness import bench_env, django_json, manage, measure, server, session_opener

ROLLUP = """
import json, time
from reports.services.rollup import calls_rollup, agent_states_rollup, reporting_zones_sync
started = time.monotonic(); intervals = calls_rollup(); calls_seconds = time.monotonic() - started
started = time.monotonic(); windows = agent_states_rollup(); states_seconds = time.monotonic() - started
started = time.monotonic(); zones = reporting_zones_sync(); zones_seconds = time.monotonic() - started
print(json.dumps({"intervals": intervals, "calls_seconds": calls_seconds, "windows": windows,
                  "states_seconds": states_seconds, "zones": zones, "zones_seconds": zones_seconds}))
"""

COUNTS = """
import json
from crm.models import Call
from agents.models import Team
print(json.dumps({"calls": Call.objects.filter(external_id__startswith="bench-").count(),
                  "team": Team.objects.get(slug="bench-team-01").pk}))
"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=10_000_000)
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--new", type=int, default=100_000, help="calls added before timing the catch-up")
    args = parser.parse_args()
    env = bench_env("switchboard_bench_metrics")
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "seed_demo", "--if-empty")
    manage(env, "seed_metrics", "--calls", str(args.calls), "--agents", str(args.agents), "--days", "365")
    first = django_json(env, ROLLUP)
    print(
        f"rollup: {first['intervals']} call intervals in {first['calls_seconds']:.1f} s, agent states "
        f"({first['windows']} day windows) in {first['states_seconds']:.1f} s, day rollups of "
        f"{first['zones']} new zones in {first['zones_seconds']:.1f} s"
    )
    manage(env, "shell", "-c", "from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')")
    counts = django_json(env, COUNTS)
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    month = {"from": (today - timedelta(days=30)).isoformat(), "to": today.isoformat(), "tz": "UTC"}
    days = {
        "start": (today - timedelta(days=30)).date().isoformat(),
        "end": (today - timedelta(days=1)).date().isoformat(),
    }
    with server(env, workers=4) as base:
        manager = session_opener(base, "manager", "switchboard-demo")
        print(f"{counts['calls']} calls by {args.agents} agents over a year; gunicorn 4 workers, loopback")
        api = f"{base}/api/v1/metrics/?" + urllib.parse.urlencode({**month, "interval": "day", "group_by": "agent"})
        rows = len(json.loads(manager.open(api).read())["results"])
        measure(f"30 days x {rows // 30}+ agents, daily (API)", lambda i: manager.open(api).read(), args.requests)
        team = f"{base}/dashboard/?" + urllib.parse.urlencode({**days, "team": counts["team"]})
        measure("dashboard, one team's agents, 30 days", lambda i: manager.open(team).read(), args.requests)
        default = f"{base}/dashboard/?" + urllib.parse.urlencode(days)
        measure("dashboard, all teams, 30 days", lambda i: manager.open(default).read(), args.requests)
    django_json(env, ROLLUP)  # the steady state: caught up with everything so far
    manage(env, "seed_metrics", "--calls", str(counts["calls"] + args.new), "--agents", str(args.agents), "--days", "7")
    catch_up = django_json(env, ROLLUP)
    print(
        f"catch-up after {args.new} new calls: {catch_up['intervals']} intervals rewritten in "
        f"{catch_up['calls_seconds']:.1f} s (agent states {catch_up['states_seconds']:.1f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

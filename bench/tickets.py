"""Ticket lists and the search box at a million tickets and a million customers (issue 16's baseline).

    .venv/bin/python bench/tickets.py --customers 1000000 --tickets 1000000

Seeds the bench database (switchboard_bench) up to --customers generated customers and --tickets
generated tickets (two comments each) with `seed_demo`, starts gunicorn with 2 workers on loopback
(DEBUG off) and measures, one client at a time: the team queue (supervisor), "my tickets" (agent), the
API ticket list (first page, and page 20,000), and the search box for a word and a ticket number.
Targets (2 cores): lists p95 <= 40 ms, searches p95 <= 60 ms.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import urllib.request

from _harness import BASE_DIR, bench_env, manage, measure, server, session_opener


def _count(env: dict[str, str], expression: str) -> int:
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", f"print({expression})"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return int(out.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    env = bench_env()
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "seed_demo", "--if-empty")
    customers = _count(
        env, "__import__('crm.models').models.Customer.objects.filter(tags__contains=['generated']).count()"
    )
    tickets = _count(
        env, "__import__('tickets.models').models.Ticket.objects.filter(tags__contains=['generated']).count()"
    )
    missing_customers, missing_tickets = max(0, args.customers - customers), max(0, args.tickets - tickets)
    if missing_customers or missing_tickets:
        started = time.monotonic()
        manage(env, "seed_demo", "--scale", str(missing_customers), "--tickets", str(missing_tickets))
        print(
            f"seeded {missing_customers} customers and {missing_tickets} tickets in {time.monotonic() - started:.0f} s"
        )
        manage(env, "shell", "-c", "from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')")
    team = _count(env, "__import__('agents.models').models.Team.objects.get(slug='acme-front').pk")
    token = subprocess.run(
        [sys.executable, "manage.py", "create_api_token", "integrator", "--name", "bench-tickets"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, check=True,
    ).stdout.strip().splitlines()[-1]  # fmt: skip
    with server(env) as base:
        supervisor = session_opener(base, "supervisor", "switchboard-demo")
        agent = session_opener(base, "agent", "switchboard-demo")

        def api(path: str) -> None:
            request = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})  # noqa: S310
            json.loads(urllib.request.urlopen(request).read())  # noqa: S310 - loopback

        print(f"{args.customers} generated customers, {args.tickets} generated tickets; gunicorn 2 workers, loopback")
        n = args.requests
        measure(
            "team queue GET /tickets/?team= (supervisor)",
            lambda i: supervisor.open(f"{base}/tickets/?team={team}").read(),
            n,
            3,
        )
        measure("my tickets GET /tickets/ (agent)", lambda i: agent.open(f"{base}/tickets/").read(), n, 3)
        measure("GET /api/v1/tickets/ first page", lambda i: api("/api/v1/tickets/"), n, 3)
        measure("GET /api/v1/tickets/?page=20000", lambda i: api("/api/v1/tickets/?page=20000"), n, 3)
        measure("search box 'refund' (agent)", lambda i: agent.open(f"{base}/customers/?q=refund").read(), n, 3)
        measure("search box 'SB-64321' (agent)", lambda i: agent.open(f"{base}/customers/?q=SB-64321").read(), n, 3)
    return 0


if __name__ == "__main__":
    sys.exit(main())

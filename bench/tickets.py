"""Ticket lists and the searches at a million tickets and a million customers, one client (issue 16).

    .venv/bin/python bench/tickets.py --customers 1000000 --tickets 1000000

Seeds the bench database (switchboard_bench) up to --customers generated customers and --tickets
generated tickets (two comments each) with `seed_demo`, starts gunicorn (DEBUG off, persistent
connections) on loopback and measures, one request at a time, with varied inputs:

- the team queue (supervisor, three teams, pages 1-3), "my tickets" and ticket pages (agent);
- the API ticket list's first page and later pages reached by cursor anywhere in the year;
- the search box (the request it sends as the agent types) by name, typo, organization, phone digits,
  email and ticket number;
- the ticket search by words (common, rare, phrase, typo).

Targets (2 cores): lists p95 <= 40 ms, searches p95 <= 60 ms. Throughput at 8 clients: bench/load.py.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta

from _harness import BASE_DIR, bench_env, django_json, manage, measure, server, session_opener

SAMPLE = """
import json
from agents.models import Team
from crm.models import Customer
from tickets.models import Ticket
generated = Ticket.objects.filter(tags__contains=['generated']).order_by('?')
print(json.dumps({
    'customers': Customer.objects.filter(tags__contains=['generated']).count(),
    'tickets': Ticket.objects.filter(tags__contains=['generated']).count(),
    'teams': list(Team.objects.filter(slug__startswith='acme').values_list('pk', flat=True)),
    'numbers': list(generated.values_list('number', flat=True)[:50]),
    'ticket_ids': list(generated.values_list('pk', flat=True)[:50]),
}))
"""


def seed(env: dict[str, str], customers: int, tickets: int) -> None:
    """Up to the asked numbers of generated customers and tickets (only what is missing is added)."""
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "seed_demo", "--if-empty")
    have = django_json(env, SAMPLE)
    have_customers, have_tickets = have["customers"], have["tickets"]
    missing_customers, missing_tickets = max(0, customers - have_customers), max(0, tickets - have_tickets)
    if missing_customers or missing_tickets:
        started = time.monotonic()
        manage(env, "seed_demo", "--scale", str(missing_customers), "--tickets", str(missing_tickets))
        print(
            f"seeded {missing_customers} customers and {missing_tickets} tickets in {time.monotonic() - started:.0f} s"
        )
        manage(env, "shell", "-c", "from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')")


def api_token(env: dict[str, str], name: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", "create_api_token", "integrator", "--name", name],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, check=True,
    ).stdout.strip().splitlines()[-1]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    env = bench_env()
    seed(env, args.customers, args.tickets)
    sample = django_json(env, SAMPLE)
    teams, numbers, ticket_ids = sample["teams"], sample["numbers"], sample["ticket_ids"]
    token = api_token(env, "bench-tickets")
    rng = random.Random(16)
    with server(env, workers=4) as base:
        supervisor = session_opener(base, "supervisor", "switchboard-demo")
        agent = session_opener(base, "agent", "switchboard-demo")

        def api(url: str) -> dict:
            request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})  # noqa: S310
            return json.loads(urllib.request.urlopen(request).read())  # noqa: S310 - loopback

        # Later pages: a cursor from anywhere in the year (the page after one starting at a random day).
        now = datetime.now(UTC)
        deep_pages = []
        for _ in range(40):
            since = (now - timedelta(days=rng.randrange(5, 360), minutes=rng.randrange(1440))).isoformat()
            deep_pages.append(
                api(f"{base}/api/v1/tickets/?{urllib.parse.urlencode({'created_at__lte': since})}")["next"]
            )

        def search_box(queries: list[str]):
            """What the box sends as the agent types (htmx): the matches, best first."""

            def search(i: int) -> None:
                url = f"{base}/customers/?{urllib.parse.urlencode({'q': queries[i % len(queries)]})}"
                agent.open(urllib.request.Request(url, headers={"HX-Request": "true"})).read()  # noqa: S310

            return search

        def ticket_search(queries: list[str]):
            return lambda i: agent.open(
                f"{base}/tickets/search/?{urllib.parse.urlencode({'q': queries[i % len(queries)]})}"
            ).read()

        print(f"{args.customers} generated customers, {args.tickets} generated tickets; gunicorn 4 workers, loopback")
        n = args.requests
        measure(
            "team queue /tickets/?team= (supervisor)",
            lambda i: supervisor.open(f"{base}/tickets/?team={teams[i % len(teams)]}&page={1 + i % 3}").read(),
            n,
        )
        measure("my tickets /tickets/ (agent)", lambda i: agent.open(f"{base}/tickets/").read(), n)
        measure(
            "ticket page /tickets/<id>/ (agent)",
            lambda i: agent.open(f"{base}/tickets/{ticket_ids[i % len(ticket_ids)]}/").read(),
            n,
        )
        measure("GET /api/v1/tickets/ first page", lambda i: api(f"{base}/api/v1/tickets/"), n)
        measure("GET /api/v1/tickets/ later page (cursor)", lambda i: api(deep_pages[i % len(deep_pages)]), n)
        names = ["Maria Garcia", "Okafor", "Chen Wang 4242", "liam novak", "Sofia"]
        measure("search box: name", search_box(names), n)
        measure("search box: typo", search_box(["Mria Okfor", "Jmes Smtih", "Aisah Patl", "Oliva Rosi"]), n)
        measure("search box: organization", search_box(["Sunrise Cafe", "harbor hotels", "Maple Street"]), n)
        measure("search box: phone digits", search_box([f"{rng.randrange(10000):04d}" for _ in range(20)]), n)
        emails = [f"customer{rng.randrange(args.customers)}@example.net" for _ in range(20)]
        measure("search box: email", search_box(emails), n)
        measure("search box: ticket number", search_box(numbers), n)
        measure("ticket search: common word", ticket_search(["refund", "damaged", "delivery address", "invoice"]), n)
        phrases = ["broken oven door", '"wrong item"', "warehouse confirm"]
        measure("ticket search: rare words / phrase", ticket_search(phrases), n)
        measure("ticket search: typo", ticket_search(["refnd", "brokn ovn", "invoce", "delivry adress"]), n)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Many clients at once, with Locust: a call center's traffic mix, or writes only (issue 16).

    .venv/bin/python bench/load.py --agents 200 --telephony 8 --duration 60   # the floor's mix
    .venv/bin/python bench/load.py --writers 8 --only tickets --duration 30   # POST throughput

Seeds the bench database like bench/tickets.py (--customers, --tickets; only what is missing), starts
gunicorn (4 workers, DEBUG off) on loopback and runs Locust headless on the same machine (its
keep-alive client shares the two cores with the server, as in the issue's measurements). Prints, per
request, how many were made, the throughput and p50/p95, and the failures.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from _harness import BASE_DIR, bench_env, django_json, server

from tickets import api_token, seed

SAMPLE = """
import json, random
from crm.models import Customer, CustomerPhone
from tickets.models import Ticket
from agents.models import Team
rng = random.Random(16)
customers = list(Customer.objects.filter(tags__contains=['generated']).order_by('?').values_list('pk', flat=True)[:500])
phones = list(CustomerPhone.objects.filter(customer_id__in=customers).values_list('number', flat=True))
open_tickets = Ticket.objects.filter(tags__contains=['generated'], status__in=['open', 'new']).order_by('?')
tickets = list(open_tickets.values_list('pk', flat=True)[:500])
print(json.dumps({
    'customers': customers, 'phones': phones, 'tickets': tickets,
    'teams': list(Team.objects.filter(slug__startswith='acme').values_list('pk', flat=True)),
    'agents': ['agent'],
    'box_queries': ['Maria Garcia', 'Okafor', 'Mria Okfor', 'Sunrise Cafe', '4321', 'customer4242@example.net'],
    'kb_queries': ['refund', 'delivery', 'password reset', 'refnd'],
    'ticket_queries': ['refund', 'broken oven', 'warehouse confirm', 'invoce'],
}))
"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--agents", type=int, default=0, help="logged-in agents working calls")
    parser.add_argument("--telephony", type=int, default=0, help="phone-system clients on the API")
    parser.add_argument("--writers", type=int, default=0, help="clients only opening tickets and logging calls")
    parser.add_argument(
        "--only", choices=["tickets", "calls"], help="writers only open tickets, or only log calls (default: both)"
    )
    parser.add_argument("--duration", type=int, default=60, help="seconds of load after all users started")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    args = parser.parse_args()
    if not (args.agents or args.telephony or args.writers):
        parser.error("say how many --agents, --telephony clients or --writers")
    env = bench_env()
    seed(env, args.customers, args.tickets)
    data = django_json(env, SAMPLE)
    data["token"] = api_token(env, "bench-load")
    classes = [
        (name, count)
        for name, count in (("Agent", args.agents), ("Telephony", args.telephony), ("Creator", args.writers))
        if count
    ]
    users = sum(count for _, count in classes)
    with tempfile.TemporaryDirectory() as tmp, server(env, workers=args.workers) as base:
        data_file = Path(tmp) / "data.json"
        data_file.write_text(json.dumps(data))
        # Agents sign in a few a second (a shift starts over minutes; each sign-in hashes a password for
        # half a second of CPU); the figures count from when everyone is in (--reset-stats).
        ramp = 3 if args.agents else users
        command = [
            sys.executable, "-m", "locust", "-f", str(BASE_DIR / "bench" / "locustfile.py"),
            *[name for name, _ in classes],  # before --config-users, which takes every word after it
            "--headless", "--host", base, "-u", str(users), "-r", str(ramp),
            "-t", f"{args.duration + users // ramp}s", "--csv", str(Path(tmp) / "run"), "--only-summary",
            "--loglevel", "WARNING", "--reset-stats",
            *(["--tags", args.only] if args.only else []),
            "--config-users", json.dumps([{"user_class_name": name, "fixed_count": count} for name, count in classes]),
        ]  # fmt: skip
        subprocess.run(command, cwd=BASE_DIR, env={**env, "SWITCHBOARD_LOAD_DATA": str(data_file)}, check=False)
        print(
            f"\n{args.customers} customers, {args.tickets} tickets; gunicorn {args.workers} workers; "
            + ", ".join(f"{count} {name}" for name, count in classes)
        )
        print(f"{'request':<44} {'count':>7} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'failed':>7}")
        with (Path(tmp) / "run_stats.csv").open() as stats:
            for row in csv.DictReader(stats):
                print(
                    f"{(row['Type'] + ' ' + row['Name']).strip()[:44]:<44} {row['Request Count']:>7} "
                    f"{float(row['Requests/s']):>8.1f} {row['50%']:>8} {row['95%']:>8} {row['Failure Count']:>7}"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Retention batch durations with a few hundred thousand expired rows.

    .venv/bin/python bench/retention.py [--rows 300000] [--batch-size 2000]

Each batch is one transaction; the target is under 0.25 s per batch.
"""

from __future__ import annotations

import argparse
import subprocess
import sys

from _harness import BASE_DIR, bench_env, manage

CODE = """
import time
from datetime import timedelta
from django.db import connection
from django.utils import timezone
from crm.models import Customer, CustomerAccess, RetentionPolicy
from crm.services.retention import retention_run
from agents.models import User
customer = Customer.objects.order_by("pk").first()
user = User.objects.get(username="agent")
with connection.cursor() as c:
    c.execute("INSERT INTO crm_customeraccess (customer_id, user_id, at) SELECT %s, %s, now() - interval '3 years' "
              "FROM generate_series(1, %s)", [customer.pk, user.pk, {rows}])
saved = list(RetentionPolicy.objects.values_list("target", "is_active"))
RetentionPolicy.objects.exclude(target="access_log").update(is_active=False)
durations = []
started = time.monotonic()
totals = retention_run(batch_size={batch}, on_batch=lambda t, n, s: durations.append(s))
elapsed = time.monotonic() - started
for target, active in saved:
    RetentionPolicy.objects.filter(target=target).update(is_active=active)
durations.sort()
p50, p95 = durations[len(durations) // 2], durations[int(len(durations) * .95) - 1]
print(totals["access_log"], elapsed, len(durations), p50, p95, durations[-1])
"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--batch-size", type=int, default=2000)
    args = parser.parse_args()
    env = bench_env()
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "seed_demo", "--if-empty")
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", CODE.format(rows=args.rows, batch=args.batch_size)],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, check=True,
    ).stdout.strip().splitlines()[-1]  # fmt: skip
    rows, elapsed, batches, p50, p95, worst = out.split()
    print(
        f"retention: {rows} expired access-log rows in {float(elapsed):.1f} s, {batches} batches of {args.batch_size}"
    )
    print(
        f"batch transaction: p50={float(p50) * 1000:.1f} ms  p95={float(p95) * 1000:.1f} ms  "
        f"max={float(worst) * 1000:.1f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

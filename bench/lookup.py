"""Screen-pop lookup and customer page latency over HTTP on loopback.

    .venv/bin/python bench/lookup.py --scale 1000000

Seeds a separate database (switchboard_bench) once with demo data plus --scale generated
customers (each with a phone, an email, three calls), starts gunicorn with 2 workers and
measures POST /api/v1/customers/lookup/ (token) and GET /customers/<id>/ (session).
Targets (2 cores): lookup p95 < 15 ms, customer page p95 < 60 ms.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
import urllib.request

from _harness import BASE_DIR, bench_env, manage, measure, server, session_opener


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=500)
    args = parser.parse_args()
    env = bench_env()
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "seed_demo", "--if-empty")
    existing = int(
        subprocess.run(
            [sys.executable, "manage.py", "shell", "-v", "0", "-c",
             "from crm.models import Customer; print(Customer.objects.filter(tags__contains=['generated']).count())"],
            cwd=BASE_DIR, env=env, capture_output=True, text=True, check=True,
        ).stdout.strip().splitlines()[-1]
    )  # fmt: skip
    if existing < args.scale:
        started = time.monotonic()
        manage(env, "seed_demo", "--scale", str(args.scale - existing))
        print(f"seeded {args.scale - existing} generated customers in {time.monotonic() - started:.0f} s")
    token = subprocess.run(
        [sys.executable, "manage.py", "create_api_token", "integrator", "--name", "bench"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, check=True,
    ).stdout.strip().splitlines()[-1]  # fmt: skip
    ids = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c",
         "from crm.models import Customer; import random; "
         "qs=Customer.objects.filter(tags__contains=['generated']).values_list('pk', flat=True); "
         "print(list(qs.order_by('?')[:200]))"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, check=True,
    ).stdout.strip().splitlines()[-1]  # fmt: skip
    customer_ids = json.loads(ids)
    rng = random.Random(1)
    with server(env) as base:

        def lookup(i: int) -> None:
            g = rng.randrange(max(args.scale, 1))
            body = json.dumps({"phone": f"(202) {g // 10000 % 1000:03d}-{g % 10000:04d}"}).encode()
            request = urllib.request.Request(  # noqa: S310 - loopback
                base + "/api/v1/customers/lookup/",
                data=body,
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
            urllib.request.urlopen(request).read()  # noqa: S310 - loopback

        agent = session_opener(base, "agent", "switchboard-demo")

        def customer_page(i: int) -> None:
            agent.open(f"{base}/customers/{customer_ids[i % len(customer_ids)]}/").read()

        print(f"customers: {args.scale} generated (+ demo), gunicorn 2 workers, loopback")
        measure("POST /api/v1/customers/lookup/", lookup, args.requests)
        measure("GET /customers/<id>/ (360 page)", customer_page, args.requests)
    return 0


if __name__ == "__main__":
    sys.exit(main())

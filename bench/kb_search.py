"""Knowledge-base search latency over HTTP on loopback with 50,000 generated articles.

    .venv/bin/python bench/kb_search.py [--articles 50000]

Target (2 cores): p95 under 50 ms.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import urllib.parse

from _harness import BASE_DIR, bench_env, manage, measure, server, session_opener

WORDS = [
    "refund",
    "invoice",
    "delivery",
    "password",
    "account",
    "cake",
    "bread",
    "catering",
    "order",
    "late",
    "damaged",
    "allergen",
    "gluten",
    "subscription",
    "pause",
    "voucher",
    "card",
    "payment",
    "outage",
    "router",
    "billing",
    "dispute",
    "charge",
    "address",
    "holiday",
    "hours",
    "complaint",
    "driver",
    "replacement",
    "warranty",
    "loyalty",
    "points",
    "wholesale",
    "hotel",
    "grocery",
    "discount",
    "coupon",
]
QUERIES = ["refund policy", "refnud", "password reset", "late delivery", "gluten", "billing dispute", "voucher", "paus"]

GENERATE = """
from django.db import connection
with connection.cursor() as c:
    c.execute("SELECT count(*) FROM knowledge_article WHERE topic = 'generated'")
    have = c.fetchone()[0]
    want = {n}
    if have < want:
        c.execute('''
          INSERT INTO knowledge_article (created_at, updated_at, slug, kind, title, summary, body, steps, topic, tags,
                                         language, audience, status, published_at)
          SELECT now(), now(), 'gen-' || g, 'article',
                 initcap(w[1 + g %% {k}]) || ' ' || w[1 + (g / 7) %% {k}] || ' ' || g,
                 'About ' || w[1 + (g / 3) %% {k}] || ' and ' || w[1 + (g / 11) %% {k}],
                 repeat(w[1 + (g / 5) %% {k}] || ' ' || w[1 + (g / 13) %% {k}] || ' policy steps for agents. ', 20),
                 '[]', 'generated', ARRAY[w[1 + g %% {k}]],
                 CASE WHEN g %% 10 = 0 THEN 'es' ELSE 'en' END, 'internal', 'published', now()
          FROM generate_series(%s, %s) g, (SELECT %s::text[] AS w) words
        ''', [have, want - 1, {words!r}])
print("ok")
"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()
    env = bench_env()
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "seed_demo", "--if-empty")
    code = GENERATE.format(n=args.articles, k=len(WORDS), words=WORDS)
    subprocess.run([sys.executable, "manage.py", "shell", "-v", "0", "-c", code], cwd=BASE_DIR, env=env, check=True)
    subprocess.run(
        [sys.executable, "manage.py", "dbshell"], input="ANALYZE knowledge_article;", text=True,
        cwd=BASE_DIR, env=env, check=False, capture_output=True,
    )  # fmt: skip
    rng = random.Random(3)
    with server(env) as base:
        agent = session_opener(base, "agent", "switchboard-demo")

        def search(i: int) -> None:
            query = urllib.parse.quote(rng.choice(QUERIES))
            agent.open(f"{base}/api/v1/articles/search/?q={query}").read()

        print(f"articles: {args.articles} generated (+ demo), gunicorn 2 workers, loopback")
        measure("GET /api/v1/articles/search/?q=...", search, args.requests)
    return 0


if __name__ == "__main__":
    sys.exit(main())

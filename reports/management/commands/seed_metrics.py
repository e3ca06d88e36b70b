"""Generate a year of inbound calls and agent states for the metrics benchmark (bench/metrics.py).

    manage.py seed_metrics --calls 10000000 --agents 200 --days 365

Adds benchmark agents in teams of 20 serving the demo program Acme Bakery (else the first program),
then the calls (statement-level ``INSERT ... SELECT``, in batches, with a progress bar) and each
agent's working day as state spans. Only what is missing is added. It does not roll up: the rollup
is what the benchmark times.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from agents.models import Membership, Program, Role, Team, User
from config.bulk import bulk_batches, bulk_transaction
from reports.models import RollupCursor

BATCH = 500_000
TEAM_SIZE = 20

# Pseudo-random but repeatable per call number g: hashint8(g) gives each call its day, time, agent and figures.
_CALLS = """
INSERT INTO crm_call (created_at, updated_at, external_id, direction, program_id, agent_id, phone_number,
                      dialed_number, queued_at, started_at, answered_at, ended_at, wait_seconds, talk_seconds,
                      hold_seconds, wrap_up_seconds, disposition, notes, first_contact_resolution, state,
                      transferred, notes_draft)
SELECT now(), now(), 'bench-' || g, 'inbound', %(program)s,
       CASE WHEN abandoned THEN NULL ELSE (%(agents)s::bigint[])[1 + (h >> 20) %% %(agent_count)s] END,
       '', '', start, start,
       CASE WHEN abandoned THEN NULL ELSE start + wait * interval '1 second' END,
       start + (wait + CASE WHEN abandoned THEN 0 ELSE talk + hold END) * interval '1 second',
       wait, CASE WHEN abandoned THEN 0 ELSE talk END, CASE WHEN abandoned THEN 0 ELSE hold END,
       CASE WHEN abandoned THEN 0 ELSE wrap END, CASE WHEN abandoned THEN 'abandoned' ELSE 'resolved' END,
       '', NOT abandoned AND (h >> 32) %% 10 < 7, CASE WHEN abandoned THEN 'abandoned' ELSE 'completed' END,
       NOT abandoned AND (h >> 36) %% 100 < 8, ''
FROM (
  SELECT g, h,
         %(first)s::timestamptz + ((h >> 40) %% %(days)s) * interval '1 day' + interval '8 hours'
           + ((h >> 8) %% 43200) * interval '1 second' AS start,
         h %% 100 < 6 AS abandoned,
         ((h >> 4) %% 60) AS wait, 60 + (h >> 12) %% 540 AS talk,
         CASE WHEN (h >> 24) %% 4 = 0 THEN 45 ELSE 0 END AS hold, 10 + (h >> 28) %% 80 AS wrap
  FROM (SELECT g, abs(hashint8(g)) AS h FROM generate_series(%(start)s::int, %(stop)s::int) AS g) AS numbered
) AS generated
"""

# Each agent's day, 08:00-20:00: half-hour spans, mostly on calls, with wrap-up and some time available.
_SPANS = """
INSERT INTO agents_agentstatespan (user_id, state, started_at, ended_at, source, last_seen_at)
SELECT a, (ARRAY['available', 'on_call', 'on_call', 'wrap_up', 'on_call', 'break'])[1 + (s + a) %% 6],
       d + interval '8 hours' + s * interval '30 minutes', d + interval '8 hours' + (s + 1) * interval '30 minutes',
       'bench', d + interval '20 hours'
FROM unnest(%(agents)s::bigint[]) AS a, generate_series(%(first)s::timestamptz, %(last)s::timestamptz,
     interval '1 day') AS d, generate_series(0, 23) AS s
"""


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--calls", type=int, default=10_000_000)
        parser.add_argument("--agents", type=int, default=200)
        parser.add_argument("--days", type=int, default=365)

    def handle(self, *args: Any, calls: int, agents: int, days: int, **options: Any) -> None:
        if calls < 0 or agents < 1 or days < 1:
            raise CommandError("--calls must be zero or more, --agents and --days at least 1.")
        program = Program.objects.filter(slug="acme-bakery").first() or Program.objects.order_by("pk").first()
        if program is None:
            raise CommandError("Run seed_demo first: there is no program.")
        agent_ids = self._agents(program, agents)
        today = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
        first = today - timedelta(days=days)
        have = int(self._scalar("SELECT count(*) FROM crm_call WHERE external_id LIKE 'bench-%%'"))
        with tqdm(total=max(0, calls - have), desc="benchmark calls", unit="call", file=self.stdout) as progress:
            for done, size in bulk_batches(max(0, calls - have), BATCH, analyze=["crm_call"]):
                with transaction.atomic(), connection.cursor() as cursor:
                    bulk_transaction(cursor)
                    cursor.execute(
                        _CALLS,
                        {"program": program.pk, "agents": agent_ids, "agent_count": len(agent_ids), "first": first,
                         "days": days, "start": have + done, "stop": have + done + size - 1},
                    )  # fmt: skip
                progress.update(size)
        if not self._scalar("SELECT count(*) FROM agents_agentstatespan WHERE source = 'bench'"):
            with transaction.atomic(), connection.cursor() as cursor:
                bulk_transaction(cursor)
                last = today - timedelta(days=1)
                cursor.execute(_SPANS, {"agents": agent_ids, "first": first, "last": last})
                self.stdout.write(f"  {cursor.rowcount} agent-state spans")
                # States written into the past, around the services: the next rollup reads them from their start.
                RollupCursor.objects.filter(name="agent_states", position__gt=first).update(position=first)
        self.stdout.write(self.style.SUCCESS(f"{calls} benchmark calls by {len(agent_ids)} agents over {days} days."))

    def _agents(self, program: Program, count: int) -> list[int]:
        with transaction.atomic():
            for number in range(1, count + 1):
                team_number = (number - 1) // TEAM_SIZE + 1
                team, created = Team.objects.get_or_create(
                    slug=f"bench-team-{team_number:02d}", defaults={"name": f"Bench team {team_number:02d}"}
                )
                if created:
                    team.programs.add(program)
                user, created = User.objects.get_or_create(
                    username=f"bench_agent_{number:03d}", defaults={"role": Role.AGENT, "first_name": "Bench"}
                )
                if created:
                    user.set_unusable_password()
                    user.save(update_fields=["password"])
                Membership.objects.get_or_create(team=team, user=user)
        return list(
            User.objects.filter(username__startswith="bench_agent_").order_by("username").values_list("pk", flat=True)
        )[:count]

    def _scalar(self, sql: str) -> Any:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()[0]

"""Demo targets and five weeks of queue traffic and agent states, so the dashboard has trends on first run."""

from __future__ import annotations

import random
import zoneinfo
from datetime import datetime, time, timedelta
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from agents.models import AgentStateSpan, Program, User
from crm.models import Call, CallDirection, CallState, Customer
from reports.models import ProgramTargets
from reports.services.rollup import metrics_rollup

DAYS = 35
# program slug -> (its agents, calls a working day)
TRAFFIC = {"acme-bakery": (["agent", "billing_agent"], 48), "northwind": (["agent_b"], 22)}
TARGETS = {
    "service_level": 0.8, "asa_seconds": 30, "aht_seconds": 420, "abandon_rate": 0.05, "fcr_rate": 0.7, "csat": 0.85,
}  # fmt: skip
MARK = "demo-queue-"  # external ids of the generated traffic


def seed(*, scale: int, stdout: TextIO, tickets: int = 0) -> None:
    rng = random.Random(17)
    calls = 0
    with transaction.atomic():
        for slug, (usernames, per_day) in TRAFFIC.items():
            program = Program.objects.filter(slug=slug).first()
            if program is None:
                continue
            ProgramTargets.objects.get_or_create(program=program, defaults=TARGETS)
            agents = list(User.objects.filter(username__in=usernames).order_by("username"))
            if not agents or Call.objects.filter(program=program, external_id__startswith=MARK).exists():
                continue
            calls += _traffic(rng, program, agents, per_day)
    stdout.write(f"  reports: targets, {calls} queue calls over {DAYS} days, agent states\n")


def finish(*, stdout: TextIO) -> None:
    """After every app's demo records (the survey answers too): the rollups, so the dashboard is full at once."""
    metrics_rollup()
    stdout.write("  reports: metric rollups\n")


def _traffic(rng: random.Random, program: Program, agents: list[User], per_day: int) -> int:
    """Weekdays 9:00-17:00 in the program's zone: calls with a realistic spread of waits and outcomes, and
    each agent's states around them (available, on a call, wrap-up, a lunch break)."""
    people = Customer.objects.filter(program=program, erased_at=None).exclude(tags__contains=["generated"])
    customers = list(people.values_list("pk", flat=True)[:200])
    zone = zoneinfo.ZoneInfo(program.time_zone)
    today = timezone.now().astimezone(zone).date()
    rows: list[Call] = []
    spans: list[AgentStateSpan] = []
    for back in range(DAYS, 0, -1):
        day = today - timedelta(days=back)
        if day.weekday() >= 5:
            continue
        opening = datetime.combine(day, time(9), tzinfo=zone)
        busy_until = {agent.pk: opening for agent in agents}
        for agent in agents:
            lunch = opening + timedelta(hours=3, minutes=rng.randint(0, 60))
            spans.append(_span(agent, "break", lunch, lunch + timedelta(minutes=30)))
        starts = sorted(rng.randint(0, 8 * 3600 - 1200) for _ in range(per_day + rng.randint(-5, 5)))
        for start in (opening + timedelta(seconds=second) for second in starts):
            wait = int(rng.expovariate(1 / 18))
            if rng.random() < 0.07:  # the caller gives up waiting
                rows.append(_call(program, customers, rng, start, wait=wait, abandoned=True))
                continue
            agent = min(agents, key=lambda a: busy_until[a.pk])
            answered = max(start + timedelta(seconds=wait), busy_until[agent.pk])
            wait = int((answered - start).total_seconds())
            talk, hold = rng.randint(90, 540), rng.choice([0, 0, 0, 30, 75])
            wrap = rng.randint(15, 90)
            ended = answered + timedelta(seconds=talk + hold)
            rows.append(
                _call(program, customers, rng, start, wait=wait, agent=agent, answered=answered, ended=ended,
                      talk=talk, hold=hold, wrap=wrap)
            )  # fmt: skip
            if answered > busy_until[agent.pk]:
                spans.append(_span(agent, "available", busy_until[agent.pk], answered))
            spans.append(_span(agent, "on_call", answered, ended))
            spans.append(_span(agent, "wrap_up", ended, ended + timedelta(seconds=wrap)))
            busy_until[agent.pk] = ended + timedelta(seconds=wrap)
    Call.objects.bulk_create(rows, batch_size=1000)
    AgentStateSpan.objects.bulk_create(_without_overlaps(spans), batch_size=1000)
    return len(rows)


def _call(program: Program, customers: list[int], rng: random.Random, start: datetime, *, wait: int,
          abandoned: bool = False, agent: User | None = None, answered: datetime | None = None,
          ended: datetime | None = None, talk: int = 0, hold: int = 0, wrap: int = 0) -> Call:  # fmt: skip
    return Call(
        external_id=f"{MARK}{program.pk}-{start.timestamp():.0f}-{rng.randrange(10**6)}",
        direction=CallDirection.INBOUND, program=program,
        customer_id=rng.choice(customers) if customers and not abandoned else None, agent=agent,
        queued_at=start, started_at=start, answered_at=answered,
        ended_at=ended or start + timedelta(seconds=wait), wait_seconds=wait, talk_seconds=talk,
        hold_seconds=hold, wrap_up_seconds=wrap, wrap_up_done_at=(ended + timedelta(seconds=wrap)) if ended else None,
        state=CallState.ABANDONED if abandoned else CallState.COMPLETED, transferred=rng.random() < 0.08,
        first_contact_resolution=not abandoned and rng.random() < 0.72,
    )  # fmt: skip


def _span(agent: User, state: str, start: datetime, end: datetime) -> AgentStateSpan:
    return AgentStateSpan(user=agent, state=state, started_at=start, ended_at=end, source="demo", last_seen_at=end)


def _without_overlaps(spans: list[AgentStateSpan]) -> list[AgentStateSpan]:
    """Each agent's spans in time order, each cut where the next begins (a lunch break wins over a call)."""
    kept: list[AgentStateSpan] = []
    for agent_id in {s.user_id for s in spans}:
        own = sorted((s for s in spans if s.user_id == agent_id), key=lambda s: (s.started_at, s.state != "break"))
        for span, following in zip(own, [*own[1:], None], strict=True):
            if following is not None and span.ended_at and following.started_at < span.ended_at:
                span.ended_at = following.started_at
            if span.ended_at and span.ended_at > span.started_at:
                kept.append(span)
    return kept

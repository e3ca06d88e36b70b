"""The weekly QA sample: which calls reviewers score.

For each program with an active ``SamplingPolicy`` and each agent who handled calls there in the week
(Monday to Sunday in the program's time zone), the sample queues ``calls_per_agent`` calls, or
``new_agent_calls`` for an agent whose first call in the program is less than ``new_agent_days`` old. The
pick is random but weighted toward the calls worth a second look (long, transferred, escalated, or rated
low by the customer), and spread: each call already picked from a day or with an outcome makes another
from the same day or outcome less likely. A call is never sampled twice (a unique constraint on the
review's call). Running it again for the same week adds only what is missing, so the beat may run it
daily and a missed week is caught up; the seed is fixed per (program, agent, week), so a re-run picks the
same calls.
"""

from __future__ import annotations

import logging
import random
import zoneinfo
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.db.models import Exists, F, Min, OuterRef, Subquery
from django.utils import timezone

from crm.models import Call, Disposition
from quality.models import Review, ReviewStatus, SamplingPolicy, SurveyResponse

logger = logging.getLogger(__name__)

_LOCK = 0x0A_5A_3B  # pg_advisory_xact_lock key (with the program id) of one program's sampling
LOW_CSAT = 2  # a survey answer at or below this makes the call more likely to be picked
EXTRA_WEIGHT = 2.0  # added to a call's weight per reason it is worth reviewing
SPREAD = 3.0  # each pick already on a call's day (or with its outcome) divides its weight by 1 + this much


@dataclass(frozen=True)
class Candidate:
    call_id: int
    agent_id: int
    started_at: datetime
    handle_seconds: int
    transferred: bool
    disposition: str
    csat: int | None


def last_full_week(now: datetime, zone: str) -> date:
    """The Monday of the last whole week before ``now`` in ``zone``."""
    today = now.astimezone(zoneinfo.ZoneInfo(zone)).date()
    return today - timedelta(days=today.weekday() + 7)


def _reasons(candidate: Candidate, policy: SamplingPolicy) -> list[str]:
    reasons = []
    if candidate.handle_seconds > policy.long_call_seconds:
        reasons.append(f"long call ({candidate.handle_seconds // 60} min)")
    if candidate.transferred or candidate.disposition == Disposition.TRANSFERRED:
        reasons.append("transferred")
    if candidate.disposition == Disposition.ESCALATED:
        reasons.append("escalated")
    if candidate.csat is not None and candidate.csat <= LOW_CSAT:
        reasons.append(f"low CSAT ({candidate.csat}/5)")
    return reasons


def pick_calls(
    candidates: list[Candidate], count: int, *, policy: SamplingPolicy, zone: zoneinfo.ZoneInfo, seed: str
) -> list[tuple[Candidate, list[str]]]:
    """``count`` calls drawn without replacement, weighted and spread as the module says."""
    rng = random.Random(seed)  # noqa: S311 (a sample, not a secret)
    pool = sorted(candidates, key=lambda c: c.call_id)
    reasons = {c.call_id: _reasons(c, policy) for c in pool}
    days: Counter[date] = Counter()
    outcomes: Counter[str] = Counter()
    picked: list[tuple[Candidate, list[str]]] = []
    while pool and len(picked) < count:
        weights = [
            (1 + EXTRA_WEIGHT * len(reasons[c.call_id]))
            / (1 + SPREAD * days[c.started_at.astimezone(zone).date()])
            / (1 + SPREAD * outcomes[c.disposition])
            for c in pool
        ]
        chosen = rng.choices(range(len(pool)), weights=weights)[0]
        candidate = pool.pop(chosen)
        days[candidate.started_at.astimezone(zone).date()] += 1
        outcomes[candidate.disposition] += 1
        picked.append((candidate, reasons[candidate.call_id]))
    return picked


def qa_sample_program(*, policy: SamplingPolicy, week: date) -> int:
    """Queues the week's sample of one program; returns how many calls it added."""
    program = policy.program
    zone = zoneinfo.ZoneInfo(program.time_zone)
    start = datetime.combine(week, time(), tzinfo=zone)
    end = start + timedelta(days=7)
    csat = SurveyResponse.objects.filter(survey__call_id=OuterRef("pk")).order_by("score").values("score")[:1]
    reviewed = Review.objects.filter(call_id=OuterRef("pk"), calibration__isnull=True)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK, program.pk])
        rows = (
            Call.objects.filter(
                program=program,
                started_at__gte=start,
                started_at__lt=end,
                agent__isnull=False,
                answered_at__isnull=False,
                ended_at__isnull=False,
            )
            .exclude(Exists(reviewed))
            .annotate(csat=Subquery(csat), handle=F("talk_seconds") + F("hold_seconds") + F("wrap_up_seconds"))
            .values_list("pk", "agent_id", "started_at", "handle", "transferred", "disposition", "csat")
        )
        by_agent: dict[int, list[Candidate]] = defaultdict(list)
        for row in rows.iterator(chunk_size=5000):
            by_agent[row[1]].append(Candidate(*row))
        if not by_agent:
            return 0
        taken = Counter(
            Review.objects.filter(program=program, week=week, agent_id__in=by_agent).values_list("agent_id", flat=True)
        )
        first_calls = dict(
            Call.objects.filter(program=program, agent_id__in=by_agent)
            .values("agent_id")
            .annotate(first=Min("started_at"))
            .values_list("agent_id", "first")
        )
        new_since = end - timedelta(days=policy.new_agent_days)
        queued = []
        for agent_id, candidates in by_agent.items():
            is_new = first_calls[agent_id] >= new_since
            wanted = (policy.new_agent_calls if is_new else policy.calls_per_agent) - taken[agent_id]
            if wanted <= 0:
                continue
            seed = f"{program.pk}:{agent_id}:{week.isoformat()}"
            for candidate, reasons in pick_calls(candidates, wanted, policy=policy, zone=zone, seed=seed):
                because = (["new agent"] if is_new else []) + reasons
                queued.append(
                    Review(
                        program=program,
                        call_id=candidate.call_id,
                        agent_id=agent_id,
                        attributed_at=candidate.started_at,
                        status=ReviewStatus.QUEUED,
                        week=week,
                        sampled_because=", ".join(because) or "random",
                    )
                )
        Review.objects.bulk_create(queued, ignore_conflicts=True)
    logger.info("QA sample of %s for the week of %s: %d calls queued", program, week, len(queued))
    return len(queued)


def qa_sample(*, week: date | None = None, now: datetime | None = None) -> int:
    """The beat's entry: the last full week of every program with an active policy (each in its own zone)."""
    now = now or timezone.now()
    added = 0
    for policy in SamplingPolicy.objects.filter(is_active=True, program__is_active=True).select_related("program"):
        added += qa_sample_program(policy=policy, week=week or last_full_week(now, policy.program.time_zone))
    return added

"""Demo: a QA scorecard for each program, the last weeks' samples of Acme's calls, reviews in every state
(queued, draft, submitted, acknowledged, disputed, decided) and one calibration session. Everything goes
through the services, so the demo shows what the product does, audit events and notifications included."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any, TextIO

from django.db import transaction
from django.utils import timezone

from agents.models import Program, User
from crm.models import Call
from quality.models import DisputeOutcome, Review, ReviewStatus, SamplingPolicy, Scorecard
from quality.services.reviews import (
    calibration_create,
    review_acknowledge,
    review_decide,
    review_dispute,
    review_save,
    review_start,
    review_submit,
    scorecard_create,
)
from quality.services.sampling import last_full_week, qa_sample_program

YES_NO, SCALE = "yes_no", "scale"
ACME_CRITERIA: list[dict[str, Any]] = [
    {"section": "Greeting", "label": "Used the program's greeting and gave their name", "weight": 1},
    {"section": "Verification", "label": "Verified the caller's identity before discussing the account",
     "weight": 3, "critical": True, "guidance": "Name plus postcode, or the order number and email."},
    {"section": "Compliance", "label": "No card number or security code taken into the notes", "weight": 3,
     "critical": True, "auto_rule": "no_card_data"},
    {"section": "Compliance", "label": "Stated the refund policy when a refund came up", "weight": 1},
    {"section": "Resolution", "label": "Followed the call script", "weight": 2, "auto_rule": "script_completed"},
    {"section": "Resolution", "label": "Resolved the request or agreed a clear next step", "answer_type": SCALE,
     "scale_max": 4, "weight": 3},
    {"section": "Resolution", "label": "Recorded a wrap-up code", "weight": 1, "auto_rule": "wrap_up_code"},
    {"section": "Tone", "label": "Courtesy and empathy", "answer_type": SCALE, "scale_max": 4, "weight": 2},
    {"section": "Tone", "label": "Kept hold time short", "weight": 1, "auto_rule": "hold_under",
     "auto_threshold_seconds": 120},
]  # fmt: skip
NORTHWIND_CRITERIA: list[dict[str, Any]] = [
    {"section": "Opening", "label": "Greeting and name", "weight": 1},
    {"section": "Security", "label": "Passed the account security check", "weight": 3, "critical": True},
    {"section": "Handling", "label": "Diagnosed the fault before offering an engineer", "answer_type": SCALE,
     "scale_max": 3, "weight": 2},
    {"section": "Handling", "label": "Wrap-up code recorded", "weight": 1, "auto_rule": "wrap_up_code"},
]  # fmt: skip
COMMENTS = [
    "Warm opening and a clear summary at the end.",
    "Good call overall; remember to restate the refund policy.",
    "Verification was rushed: ask for the postcode every time.",
    "Great empathy with an upset customer.",
]


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def seed(*, scale: int, stdout: TextIO, tickets: int = 0) -> None:
    acme = Program.objects.filter(slug="acme-bakery").first()
    northwind = Program.objects.filter(slug="northwind").first()
    kim, quinn, admin = _user("knowledge_manager"), _user("qa_reviewer"), _user("admin")
    if acme is None or northwind is None or kim is None or quinn is None or admin is None:
        return
    if Scorecard.objects.filter(program=acme).exists():
        return
    rng = random.Random(19)  # noqa: S311 (demo data, not a secret)
    with transaction.atomic():
        scorecard_create(actor=kim, program=acme, name="Acme call quality", criteria=ACME_CRITERIA)
        scorecard_create(actor=admin, program=northwind, name="Northwind call quality", criteria=NORTHWIND_CRITERIA)
        for program in (acme, northwind):
            SamplingPolicy.objects.get_or_create(program=program)
        policy = SamplingPolicy.objects.get(program=acme)
        week = last_full_week(timezone.now(), acme.time_zone)
        queued = sum(qa_sample_program(policy=policy, week=week - timedelta(weeks=n)) for n in range(3))
        _recordings(acme)
        states = _reviews(rng, acme, quinn)
        session = _calibration(rng, acme, quinn, admin)
    stdout.write(
        f"  quality: scorecards for Acme and Northwind, {queued} sampled calls, reviews {states}, "
        f"calibration {session}\n"
    )


def _recordings(program: Program) -> None:
    """Telephony's recording links on the sampled calls (example.com: nothing to play in the demo)."""
    for call in Call.objects.filter(program=program, reviews__isnull=False).only("pk"):
        Call.objects.filter(pk=call.pk).update(recording_url=f"https://recordings.example.com/acme/{call.pk}.mp3")


def _answers(rng: random.Random, review: Review, *, good: bool = True) -> dict[int, int | None]:
    answers: dict[int, int | None] = {}
    filled = dict(review.answers.values_list("criterion_id", "value"))
    assert review.version is not None
    for criterion in review.version.criteria.all():
        if criterion.pk in filled:
            continue
        if criterion.label.startswith("Stated the refund") and rng.random() < 0.6:
            answers[criterion.pk] = None  # no refund came up
        elif criterion.critical:
            answers[criterion.pk] = 1 if good or rng.random() < 0.5 else 0
        else:
            top = criterion.scale_max
            answers[criterion.pk] = top if rng.random() < 0.7 else rng.randint(0, top)
    return answers


def _score(rng: random.Random, review: Review, reviewer: User, *, good: bool = True) -> Review:
    review = review_start(actor=reviewer, review=review) if review.status == ReviewStatus.QUEUED else review
    review = Review.objects.select_related("version", "call").get(pk=review.pk)
    review_save(actor=reviewer, review=review, answers=_answers(rng, review, good=good), comment=rng.choice(COMMENTS))
    return review_submit(actor=reviewer, review=review)


def _reviews(rng: random.Random, program: Program, reviewer: User) -> str:
    """Of the sampled calls (oldest first): most scored and answered by their agents (each agent's first
    still waiting for them), one disputed and waiting, one decided, two drafts, the rest still queued."""
    queued = list(
        Review.objects.filter(program=program, status=ReviewStatus.QUEUED)
        .select_related("agent", "call")
        .order_by("week", "attributed_at", "id")
    )
    supervisor = _user("supervisor")
    disputed = decided = 0
    waiting: set[int] = set()
    for index, review in enumerate(queued[: max(len(queued) - 6, 0)]):
        submitted = _score(rng, review, reviewer, good=index % 5 != 3)
        if submitted.agent_id not in waiting or index % 4 == 0:
            # Submitted, waiting for the agent: every agent's first, so each has one to answer whatever
            # calls the week's sample drew.
            waiting.add(submitted.agent_id)
            continue
        if supervisor is not None and disputed < 2 and submitted.agent.username == "agent":
            review_dispute(
                actor=submitted.agent, review=submitted, reason="The customer had verified in the IVR already."
            )
            disputed += 1
            if decided == 0:
                review_decide(
                    actor=supervisor,
                    review=submitted,
                    outcome=DisputeOutcome.UPHELD,
                    note="The IVR check does not replace ours: verify on every call.",
                )
                decided += 1
            continue
        review_acknowledge(actor=submitted.agent, review=submitted)
    for review in queued[max(len(queued) - 6, 0) :][:2]:
        review_start(actor=reviewer, review=review)
    counts: dict[str, int] = {}
    for status in Review.objects.filter(program=program, calibration__isnull=True).values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return ", ".join(f"{count} {status}" for status, count in sorted(counts.items()))


def _calibration(rng: random.Random, program: Program, quinn: User, admin: User) -> str:
    calls = list(
        Call.objects.filter(program=program, agent__isnull=False, answered_at__isnull=False, ended_at__isnull=False)
        .exclude(agent__in=[quinn, admin])
        .order_by("-started_at")[:3]
    )
    if len(calls) < 3:
        return "skipped (too few calls)"
    session = calibration_create(
        actor=quinn, program=program, name="Calibration: verification calls", calls=calls, reviewers=[quinn, admin]
    )
    for review in session.reviews.select_related("reviewer"):
        assert review.reviewer is not None
        _score(rng, review, review.reviewer, good=rng.random() < 0.8)
    return f"'{session.name}' with 2 reviewers on 3 calls"

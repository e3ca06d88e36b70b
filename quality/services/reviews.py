"""Quality reviews: scorecards and their versions, scoring a call, and the review's workflow
(queued → draft → submitted → acknowledged, or disputed → final).

Each arrow is one service that locks the row, checks the transition (``REVIEW_TRANSITIONS``) and who may
take it (``quality.permissions``), and writes an audit event. A transition already taken is a no-op; a
forbidden one raises ``InvalidTransition`` naming both states. The database backs the rules that matter
when two people race: one review per sampled call, four eyes on a dispute (``quality.0003``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from agents.models import Program, Role, User
from agents.services.audit import audit_record
from agents.services.notifications import notification_send
from config.errors import InvalidTransition, NotAllowed
from config.redaction import redact_text
from crm.models import Call
from quality import permissions
from quality.models import (
    CRITERION_FIELDS,
    REVIEW_TRANSITIONS,
    AnswerType,
    AutoRule,
    CalibrationSession,
    Criterion,
    DisputeOutcome,
    Review,
    ReviewAnswer,
    ReviewStatus,
    Scorecard,
    ScorecardVersion,
)
from quality.selectors import call_automatic_answers, scorecard_current_version, scorecard_version_in_use

HUNDRED = Decimal(100)


# --- Scoring ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    percent: Decimal  # 0-100, two decimals
    failed_critical: bool


def review_score(criteria: list[Criterion], values: dict[int, int | None]) -> Score:
    """The one scoring rule (docs/metrics.md, "QA score"): each answered criterion earns ``weight ×
    value / scale_max``; the score is the points earned over the points possible, in percent, leaving out
    criteria answered N/A. A critical criterion answered No (0) fails the review: its score is 0. All N/A
    scores 100 (nothing was done wrong)."""
    earned = possible = Decimal(0)
    for criterion in criteria:
        value = values.get(criterion.pk)
        if value is None:
            continue
        if criterion.critical and value == 0:
            return Score(Decimal("0.00"), True)
        earned += Decimal(criterion.weight) * Decimal(value) / Decimal(criterion.scale_max)
        possible += criterion.weight
    percent = HUNDRED if possible == 0 else earned * HUNDRED / possible
    return Score(percent.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), False)


# --- Scorecards ------------------------------------------------------------------------------------------


def _clean_criteria(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if not rows:
        raise ValidationError({"criteria": ["A scorecard needs at least one criterion."]})
    cleaned = []
    for number, row in enumerate(rows, start=1):
        unknown = set(row) - set(CRITERION_FIELDS)
        if unknown:
            raise ValidationError({"criteria": [f"Criterion {number}: unknown fields {sorted(unknown)}."]})
        values = {name: row[name] for name in CRITERION_FIELDS if name in row}
        values["label"] = redact_text(str(values.get("label", "")).strip())
        values["section"] = redact_text(str(values.get("section", "")).strip())
        values["guidance"] = redact_text(str(values.get("guidance", "") or ""))
        values.setdefault("answer_type", AnswerType.YES_NO)
        if values["answer_type"] == AnswerType.YES_NO:
            values["scale_max"] = 1
        values["auto_rule"] = values.get("auto_rule") or AutoRule.NONE
        if values["auto_rule"] != AutoRule.HOLD_UNDER:
            values["auto_threshold_seconds"] = None
        criterion = Criterion(position=number, **values)
        try:
            criterion.full_clean(exclude=["version"])
        except ValidationError as exc:
            problems = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
            raise ValidationError({"criteria": [f"Criterion {number}: {problems}"]}) from exc
        if values["auto_rule"] == AutoRule.HOLD_UNDER and values.get("auto_threshold_seconds") is None:
            raise ValidationError({"criteria": [f"Criterion {number}: the hold-time rule needs a threshold."]})
        cleaned.append(values)
    return cleaned


def scorecard_create(*, actor: User, program: Program, name: str, criteria: list[dict[str, Any]]) -> Scorecard:
    """A new scorecard with its first version; it becomes the program's active one when there is none."""
    if not permissions.can_edit_scorecards(actor, program.pk):
        raise NotAllowed("Only knowledge managers and admins of this program edit scorecards.")
    rows = _clean_criteria(criteria)
    name = redact_text(name.strip())
    if not name:
        raise ValidationError({"name": ["Give the scorecard a name."]})
    with transaction.atomic():
        if Scorecard.objects.filter(program=program, name=name).exists():
            raise ValidationError({"name": ["This program already has a scorecard of that name."]})
        active = not Scorecard.objects.filter(program=program, is_active=True).exists()
        scorecard = Scorecard.objects.create(program=program, name=name, is_active=active)
        version = ScorecardVersion.objects.create(scorecard=scorecard, number=1, created_by=actor, note="First")
        Criterion.objects.bulk_create([Criterion(version=version, position=i, **row) for i, row in enumerate(rows)])
        audit_record(action="qa.scorecard_created", actor=actor, obj=scorecard, program=program)
    return scorecard


def scorecard_edit(
    *, actor: User, scorecard: Scorecard, criteria: list[dict[str, Any]], note: str = ""
) -> ScorecardVersion:
    """Replaces the scorecard's questions. The latest version is edited in place while no review or
    calibration has used it; once one has, the edit becomes the next version and the old one stays as it was."""
    if not permissions.can_edit_scorecards(actor, scorecard.program_id):
        raise NotAllowed("Only knowledge managers and admins of this program edit scorecards.")
    rows = _clean_criteria(criteria)
    with transaction.atomic():
        locked = Scorecard.objects.select_for_update().get(pk=scorecard.pk)
        latest = locked.versions.order_by("-number").first()
        if latest is None or scorecard_version_in_use(version=latest):
            latest = ScorecardVersion.objects.create(
                scorecard=locked,
                number=(latest.number + 1) if latest else 1,
                created_by=actor,
                note=redact_text(note)[:300],
            )
        else:
            latest.criteria.all().delete()
            latest.note = redact_text(note)[:300] or latest.note
            latest.save(update_fields=["note", "updated_at"])
        Criterion.objects.bulk_create([Criterion(version=latest, position=i, **row) for i, row in enumerate(rows)])
        audit_record(
            action="qa.scorecard_edited",
            actor=actor,
            obj=locked,
            program=locked.program_id,
            data={"version": latest.number},
        )
    return latest


# --- Reviews ---------------------------------------------------------------------------------------------


def _move(review: Review, target: str) -> bool:
    """Whether ``review`` may move to ``target`` now; False when it is already there (a retry)."""
    if review.status == target:
        return False
    if target not in REVIEW_TRANSITIONS[review.status]:
        raise InvalidTransition(entity="review", current=review.status, target=target)
    return True


def _locked(review: Review) -> Review:
    return Review.objects.select_for_update().get(pk=review.pk)


def _prefill(review: Review) -> None:
    """Automatic answers from the call's record, marked so the reviewer sees where they came from."""
    assert review.version_id is not None
    criteria = list(Criterion.objects.filter(version_id=review.version_id))
    found = call_automatic_answers(call=review.call, criteria=criteria)
    ReviewAnswer.objects.bulk_create(
        [ReviewAnswer(review=review, criterion_id=pk, value=value, automatic=True) for pk, value in found.items()],
        ignore_conflicts=True,
    )


def _current_version(program_id: int) -> ScorecardVersion:
    version = scorecard_current_version(program_id=program_id)
    if version is None:
        raise ValidationError({"version": ["This program has no active scorecard yet: a knowledge manager adds one."]})
    return version


def review_start(*, actor: User, review: Review) -> Review:
    """A reviewer takes a sampled call: the review becomes its draft, scored on the program's current
    scorecard, with the answers the call's record gives filled in. Two reviewers clicking at once: one wins."""
    if not permissions.can_score_call(actor, review.call):
        raise NotAllowed("Only a QA reviewer of this program may score this call, and never a call of its own.")
    with transaction.atomic():
        locked = _locked(review)
        if locked.status == ReviewStatus.DRAFT and locked.reviewer_id == actor.pk:
            return locked
        if locked.status != ReviewStatus.QUEUED:
            raise InvalidTransition(entity="review", current=locked.status, target=ReviewStatus.DRAFT)
        locked.version = _current_version(locked.program_id)
        locked.reviewer = actor
        locked.status = ReviewStatus.DRAFT
        locked.save(update_fields=["version", "reviewer", "status", "updated_at"])
        _prefill(locked)
    return locked


def review_create(
    *, actor: User, call: Call, calibration: CalibrationSession | None = None, reason: str = ""
) -> Review:
    """A draft review of a call picked by hand (a complaint, a compliment) or for a calibration session."""
    if not permissions.can_score_call(actor, call):
        raise NotAllowed("Only a QA reviewer of this program may score this call, and never a call of its own.")
    if call.agent_id is None or call.answered_at is None:
        raise ValidationError({"call": ["Only answered calls with an agent can be reviewed."]})
    version = calibration.version if calibration is not None else _current_version(call.program_id)
    try:
        with transaction.atomic():
            review = Review.objects.create(
                program_id=call.program_id,
                call=call,
                agent_id=call.agent_id,
                attributed_at=call.started_at,
                version=version,
                reviewer=actor,
                calibration=calibration,
                status=ReviewStatus.DRAFT,
                sampled_because=redact_text(reason)[:200] or ("calibration" if calibration else "picked by a reviewer"),
            )
            _prefill(review)
    except IntegrityError as exc:
        raise ValidationError({"call": ["This call is already reviewed (or sampled)."]}) from exc
    return review


def _store_answers(
    review: Review, answers: dict[int, int | None], notes: dict[int, str] | None = None
) -> list[Criterion]:
    """Writes the given answers (None: N/A) of the review's scorecard version, by hand (no longer automatic);
    returns the version's criteria. An unknown criterion or an answer off its scale names the criterion."""
    criteria = list(Criterion.objects.filter(version_id=review.version_id))
    by_id = {c.pk: c for c in criteria}
    for pk, value in answers.items():
        criterion = by_id.get(pk)
        if criterion is None:
            raise ValidationError({"answers": [f"Criterion {pk} is not on this review's scorecard."]})
        if value is not None and not 0 <= value <= criterion.scale_max:
            raise ValidationError(
                {"answers": [f"{criterion.label}: answer between 0 and {criterion.scale_max}, or N/A."]}
            )
        defaults: dict[str, Any] = {"value": value, "automatic": False}
        if notes is not None:
            defaults["comment"] = redact_text(notes.get(pk, ""))[:1000]
        ReviewAnswer.objects.update_or_create(review=review, criterion=criterion, defaults=defaults)
    return criteria


def review_save(
    *,
    actor: User,
    review: Review,
    answers: dict[int, int | None],
    notes: dict[int, str] | None = None,
    comment: str | None = None,
) -> Review:
    """Stores the reviewer's answers (None: not applicable) and comment on a draft; nothing is scored yet."""
    with transaction.atomic():
        locked = _locked(review)
        if not permissions.can_edit_review(actor, locked):
            raise NotAllowed("Only the reviewer changes a draft.")
        _store_answers(locked, answers, notes or {})
        if comment is not None:
            locked.comment = redact_text(comment)
            locked.save(update_fields=["comment", "updated_at"])
    return locked


def review_submit(*, actor: User, review: Review) -> Review:
    """Scores the draft and publishes it to the agent (notified), or into its calibration session."""
    with transaction.atomic():
        locked = _locked(review)
        if not _move(locked, ReviewStatus.SUBMITTED):
            return locked
        if not permissions.can_edit_review(actor, locked):
            raise NotAllowed("Only the reviewer submits a draft.")
        criteria = list(Criterion.objects.filter(version_id=locked.version_id))
        values = dict(ReviewAnswer.objects.filter(review=locked).values_list("criterion_id", "value"))
        missing = [c.label for c in criteria if c.pk not in values]
        if missing:
            raise ValidationError(
                {"answers": [f"Answer every criterion (N/A where it does not apply): {', '.join(missing)}."]}
            )
        score = review_score(criteria, values)
        locked.score, locked.failed_critical = score.percent, score.failed_critical
        locked.status = ReviewStatus.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.save(update_fields=["score", "failed_critical", "status", "submitted_at", "updated_at"])
        audit_record(action="qa.review_submitted", actor=actor, obj=locked, program=locked.program_id)
        if locked.calibration_id is None:
            notification_send(
                recipient=locked.agent,
                kind="qa_review",
                title=f"A call of yours was reviewed: {score.percent}%"
                + (" (critical miss)" if score.failed_critical else ""),
                body="Read it, then acknowledge it or dispute it with a reason.",
                url=reverse("quality:review_detail", args=[locked.pk]),
                dedupe_key=f"qa-review-submitted-{locked.pk}",
            )
    return locked


def review_acknowledge(*, actor: User, review: Review) -> Review:
    with transaction.atomic():
        locked = _locked(review)
        if not permissions.can_answer_review(actor, locked):
            raise NotAllowed("Only the agent whose call was reviewed acknowledges it.")
        if not _move(locked, ReviewStatus.ACKNOWLEDGED):
            return locked
        locked.status = ReviewStatus.ACKNOWLEDGED
        locked.acknowledged_at = timezone.now()
        locked.save(update_fields=["status", "acknowledged_at", "updated_at"])
        audit_record(action="qa.review_acknowledged", actor=actor, obj=locked, program=locked.program_id)
    return locked


def review_dispute(*, actor: User, review: Review, reason: str) -> Review:
    """The agent disputes the score with a reason; the supervisors who may decide are notified."""
    reason = redact_text(reason or "").strip()
    with transaction.atomic():
        locked = _locked(review)
        if not permissions.can_answer_review(actor, locked):
            raise NotAllowed("Only the agent whose call was reviewed disputes it.")
        if not _move(locked, ReviewStatus.DISPUTED):
            return locked
        if not reason:
            raise ValidationError({"dispute_reason": ["Say what you disagree with."]})
        locked.status = ReviewStatus.DISPUTED
        locked.dispute_reason = reason
        locked.disputed_at = timezone.now()
        locked.save(update_fields=["status", "dispute_reason", "disputed_at", "updated_at"])
        audit_record(action="qa.review_disputed", actor=actor, obj=locked, program=locked.program_id)
        url = reverse("quality:review_detail", args=[locked.pk])
        # The agent's own supervisors decide; managers only when no supervisor may.
        deciders = list(permissions.dispute_deciders(locked).filter(role=Role.SUPERVISOR))
        if not deciders:
            deciders = list(permissions.dispute_deciders(locked).filter(role=Role.MANAGER))
        for supervisor in deciders:
            notification_send(
                recipient=supervisor,
                kind="qa_dispute",
                title=f"{locked.agent} disputes a QA review",
                body=reason[:500],
                url=url,
                dedupe_key=f"qa-dispute-{locked.pk}-{supervisor.pk}",
            )
    return locked


def review_decide(
    *,
    actor: User,
    review: Review,
    outcome: str,
    note: str,
    answers: dict[int, int | None] | None = None,
) -> Review:
    """A supervisor who neither wrote the review nor took the call decides the dispute: the score stands,
    or the answers it names are corrected and the review rescored. The agent and the reviewer are told."""
    note = redact_text(note or "").strip()
    if outcome not in DisputeOutcome.values:
        raise ValidationError({"decision": ["Choose upheld or amended."]})
    if not note:
        raise ValidationError({"decision_note": ["Explain the decision to the agent."]})
    with transaction.atomic():
        locked = _locked(review)
        if not _move(locked, ReviewStatus.FINAL):
            return locked
        if not permissions.can_decide_dispute(actor, locked):
            raise NotAllowed("A supervisor of the agent's team (not the reviewer) decides this dispute.")
        fields = ["status", "decided_by", "decided_at", "decision", "decision_note", "updated_at"]
        if outcome == DisputeOutcome.AMENDED:
            if not answers:
                raise ValidationError({"answers": ["Say which answers change."]})
            criteria = _store_answers(locked, answers)
            values = dict(ReviewAnswer.objects.filter(review=locked).values_list("criterion_id", "value"))
            score = review_score(criteria, values)
            locked.score, locked.failed_critical = score.percent, score.failed_critical
            fields += ["score", "failed_critical"]
        locked.status = ReviewStatus.FINAL
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decision = outcome
        locked.decision_note = note
        locked.save(update_fields=fields)
        audit_record(
            action="qa.dispute_decided", actor=actor, obj=locked, program=locked.program_id, data={"outcome": outcome}
        )
        url = reverse("quality:review_detail", args=[locked.pk])
        for recipient in {locked.agent, locked.reviewer}:
            if recipient is not None:
                notification_send(
                    recipient=recipient,
                    kind="qa_dispute_decided",
                    title=f"QA dispute decided: {DisputeOutcome(outcome).label.split(':')[0].lower()}, {locked.score}%",
                    body=note[:500],
                    url=url,
                    dedupe_key=f"qa-dispute-decided-{locked.pk}-{recipient.pk}",
                )
    return locked


# --- Calibration -----------------------------------------------------------------------------------------


def calibration_create(
    *, actor: User, program: Program, name: str, calls: list[Call], reviewers: list[User]
) -> CalibrationSession:
    """A session on the program's current scorecard: each reviewer gets its own draft of every call and
    scores it without seeing the others' until the report."""
    if not permissions.can_run_calibration(actor, program.pk):
        raise NotAllowed("QA reviewers of this program run calibration sessions.")
    name = redact_text(name.strip())
    if not name:
        raise ValidationError({"name": ["Name the session."]})
    if not calls:
        raise ValidationError({"calls": ["Pick at least one call."]})
    if len(reviewers) < 2:
        raise ValidationError({"reviewers": ["Calibration needs at least two reviewers."]})
    for call in calls:
        if call.program_id != program.pk or call.agent_id is None or call.answered_at is None:
            raise ValidationError({"calls": [f"Call {call.pk} is not an answered call of {program}."]})
    for reviewer in reviewers:
        if not permissions.can_run_calibration(reviewer, program.pk):
            raise ValidationError({"reviewers": [f"{reviewer} is not a QA reviewer of {program}."]})
        if any(call.agent_id == reviewer.pk for call in calls):
            raise ValidationError({"reviewers": [f"{reviewer} took one of these calls and cannot score it."]})
    with transaction.atomic():
        session = CalibrationSession.objects.create(
            program=program, name=name, version=_current_version(program.pk), created_by=actor
        )
        session.calls.set(calls)
        session.reviewers.set(reviewers)
        for reviewer in reviewers:
            for call in calls:
                review_create(actor=reviewer, call=call, calibration=session)
        audit_record(action="qa.calibration_created", actor=actor, obj=session, program=program)
    return session


def calibration_close(*, actor: User, session: CalibrationSession) -> CalibrationSession:
    """Ends the session: drafts left unsubmitted stay out of the report."""
    if not permissions.can_run_calibration(actor, session.program_id):
        raise NotAllowed("QA reviewers of this program close its calibration sessions.")
    with transaction.atomic():
        locked = CalibrationSession.objects.select_for_update().get(pk=session.pk)
        if locked.status != CalibrationSession.Status.CLOSED:
            locked.status = CalibrationSession.Status.CLOSED
            locked.save(update_fields=["status", "updated_at"])
            audit_record(action="qa.calibration_closed", actor=actor, obj=locked, program=locked.program_id)
    return locked

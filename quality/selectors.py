"""Reads of surveys, their answers and quality reviews, scoped to what the actor may see."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from statistics import median, pstdev
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from agents.models import Membership, Role, User
from agents.permissions import Actor, id_of, is_admin, role_of, served_program_ids
from config.redaction import shows_redaction
from crm.models import Call, Customer
from knowledge.models import ArticleVersion, ScriptRun
from quality.models import (
    PUBLISHED_STATUSES,
    AutoRule,
    CalibrationSession,
    Criterion,
    Review,
    ReviewAnswer,
    ReviewStatus,
    Scorecard,
    ScorecardVersion,
    Survey,
    SurveyOptOut,
    SurveyResponse,
)
from quality.permissions import disputes_decidable_by


def survey_list(*, actor: Actor) -> QuerySet[Survey]:
    return Survey.objects.filter(program_id__in=served_program_ids(actor)).select_related("agent", "response")


def survey_response_list(*, actor: Actor) -> QuerySet[SurveyResponse]:
    return SurveyResponse.objects.filter(program_id__in=served_program_ids(actor)).select_related("agent", "survey")


def customer_survey_responses(*, actor: Actor, customer: Customer, limit: int = 5) -> list[SurveyResponse]:
    """A customer's latest answers, newest first (the customer page)."""
    responses = survey_response_list(actor=actor).filter(survey__customer=customer).order_by("-created_at", "-id")
    return list(responses[:limit])


def survey_opted_out(*, customer: Customer) -> bool:
    """Whether the customer asked not to be surveyed again."""
    return SurveyOptOut.objects.filter(customer=customer).exists()


# --- Quality reviews -------------------------------------------------------------------------------------


def review_list(*, actor: Actor) -> QuerySet[Review]:
    """The reviews ``actor`` may read: QA reviewers, managers and admins all of their programs'; a supervisor
    the published reviews of its teams' agents; an agent its own published reviews; nobody else any (other
    agents never see a colleague's scores). Calibration scores stay among reviewers, managers and admins."""
    programs = served_program_ids(actor)
    role = role_of(actor)
    # A reviewer of an open calibration session scores on its own: the others' scores wait for the report.
    rows = Review.objects.filter(program_id__in=programs).exclude(
        Q(calibration__status="open") & Q(calibration__reviewers__id=id_of(actor)) & ~Q(reviewer_id=id_of(actor))
    )
    if role in {Role.QA_REVIEWER, Role.ADMIN} or is_admin(actor):
        return rows
    published = rows.filter(status__in=PUBLISHED_STATUSES, calibration__isnull=True)
    if role == Role.MANAGER:
        return rows.filter(Q(status__in=PUBLISHED_STATUSES) | Q(calibration__isnull=False))
    me = id_of(actor) or 0
    if role == Role.SUPERVISOR:
        led = Membership.objects.filter(
            team__memberships__user_id=me, team__memberships__is_supervisor=True, team__is_active=True
        ).values("user_id")
        return published.filter(Q(agent_id__in=led) | Q(agent_id=me))
    if role == Role.AGENT:
        return published.filter(agent_id=me)
    return rows.none()


def review_list_with_answers(*, actor: Actor) -> QuerySet[Review]:
    """``review_list`` with what the API shows of each review (a constant number of queries per page)."""
    return (
        review_list(actor=actor)
        .select_related("agent", "reviewer", "decided_by", "version", "call")
        .prefetch_related(Prefetch("answers", ReviewAnswer.objects.select_related("criterion")))
    )


def review_published(*, actor: Actor) -> QuerySet[Review]:
    """The reviews ``actor`` may read whose score stands or is disputed, newest first (calibration aside)."""
    return (
        review_list(actor=actor)
        .filter(status__in=PUBLISHED_STATUSES, calibration__isnull=True)
        .select_related("agent", "reviewer", "call")
        .order_by("-submitted_at", "-id")
    )


def review_get(*, actor: Actor, pk: object) -> Review | None:
    try:
        return (
            review_list(actor=actor)
            .select_related("call", "call__wrap_up_code", "call__customer", "agent", "reviewer", "decided_by")
            .select_related("version__scorecard", "calibration")
            .get(pk=int(str(pk)))
        )
    except (Review.DoesNotExist, ValueError):
        return None


def review_queue(*, actor: Actor) -> QuerySet[Review]:
    """Sampled calls nobody has started, oldest week first (a reviewer's queue)."""
    return (
        review_list(actor=actor)
        .filter(status=ReviewStatus.QUEUED)
        .exclude(agent_id=id_of(actor))
        .select_related("call", "agent")
        .order_by("week", "attributed_at", "id")
    )


def review_drafts(*, actor: Actor) -> QuerySet[Review]:
    """The reviewer's own drafts, calibration ones included."""
    return (
        Review.objects.filter(reviewer_id=id_of(actor), status=ReviewStatus.DRAFT)
        .select_related("call", "agent", "calibration")
        .order_by("attributed_at", "id")
    )


def review_disputes_to_decide(*, actor: Actor) -> QuerySet[Review]:
    return (
        Review.objects.filter(status=ReviewStatus.DISPUTED, program_id__in=served_program_ids(actor))
        .filter(disputes_decidable_by(actor))
        .select_related("call", "agent", "reviewer")
        .order_by("disputed_at", "id")
    )


def review_answers(*, review: Review) -> list[dict[str, Any]]:
    """The review's criteria in order, each with its answer (or none yet), grouped by the form and page."""
    if review.version_id is None:
        return []
    answers = {a.criterion_id: a for a in review.answers.all()}
    return [
        {"criterion": criterion, "answer": answers.get(criterion.pk)}
        for criterion in Criterion.objects.filter(version_id=review.version_id).order_by("position", "id")
    ]


def scorecard_list(*, actor: Actor) -> QuerySet[Scorecard]:
    return Scorecard.objects.filter(program_id__in=served_program_ids(actor)).select_related("program")


def scorecard_list_with_versions(*, actor: Actor) -> QuerySet[Scorecard]:
    """``scorecard_list`` with every version (newest first) and its criteria, for the API."""
    versions = ScorecardVersion.objects.order_by("-number").prefetch_related("criteria")
    return scorecard_list(actor=actor).prefetch_related(Prefetch("versions", versions))


def scorecard_get(*, actor: Actor, pk: object) -> Scorecard | None:
    try:
        return scorecard_list(actor=actor).get(pk=int(str(pk)))
    except (Scorecard.DoesNotExist, ValueError):
        return None


def scorecard_versions(*, scorecard: Scorecard) -> list[ScorecardVersion]:
    """Newest first."""
    return list(scorecard.versions.order_by("-number"))


def scorecard_latest_criteria(*, scorecard: Scorecard) -> list[Criterion]:
    """The questions of the scorecard's latest version, in order (what its editor starts from)."""
    version = scorecard.versions.order_by("-number").first()
    return list(version.criteria.order_by("position", "id")) if version is not None else []


def scorecard_current_version(*, program_id: int) -> ScorecardVersion | None:
    """The latest version of the program's active scorecard: what a review started now is scored on."""
    return (
        ScorecardVersion.objects.filter(scorecard__program_id=program_id, scorecard__is_active=True)
        .select_related("scorecard")
        .order_by("-number")
        .first()
    )


def scorecard_version_in_use(*, version: ScorecardVersion) -> bool:
    return (
        Review.objects.filter(version=version).exists() or CalibrationSession.objects.filter(version=version).exists()
    )


def calibration_list(*, actor: Actor) -> QuerySet[CalibrationSession]:
    role = role_of(actor)
    if role not in {Role.QA_REVIEWER, Role.MANAGER, Role.ADMIN}:
        return CalibrationSession.objects.none()
    return CalibrationSession.objects.filter(program_id__in=served_program_ids(actor)).select_related("version")


def calibration_get(*, actor: Actor, pk: object) -> CalibrationSession | None:
    try:
        return calibration_list(actor=actor).get(pk=int(str(pk)))
    except (CalibrationSession.DoesNotExist, ValueError):
        return None


def call_automatic_answers(*, call: Call, criteria: list[Criterion]) -> dict[int, int]:
    """Answers the call's record already gives, by criterion id (``AutoRule``). A rule the record cannot
    answer (no script was followed on the call) gives nothing, and the reviewer answers."""
    found: dict[int, int] = {}
    runs: list[tuple[list[str], list[dict[str, Any]]]] | None = None
    for criterion in criteria:
        top = criterion.scale_max
        rule = criterion.auto_rule
        if rule == AutoRule.NO_CARD_DATA:
            found[criterion.pk] = 0 if shows_redaction(call.notes) else top
        elif rule == AutoRule.WRAP_UP_CODE:
            found[criterion.pk] = top if call.wrap_up_code_id else 0
        elif rule == AutoRule.HOLD_UNDER and criterion.auto_threshold_seconds is not None:
            found[criterion.pk] = top if call.hold_seconds <= criterion.auto_threshold_seconds else 0
        elif rule == AutoRule.SCRIPT_COMPLETED:
            if runs is None:
                runs = _script_runs(call)
            if runs:
                complete = all({step["id"] for step in steps} <= set(ticked) for ticked, steps in runs)
                found[criterion.pk] = top if complete else 0
    return found


def _script_runs(call: Call) -> list[tuple[list[str], list[dict[str, Any]]]]:
    """Each script followed on the call: the steps ticked and the steps of the version the agent saw."""
    runs = []
    for run in ScriptRun.objects.filter(call=call).select_related("article"):
        version = (
            ArticleVersion.objects.filter(article_id=run.article_id, number=run.version).first()
            if run.version
            else None
        )
        runs.append((list(run.ticked), list(version.steps if version else run.article.steps)))
    return runs


def calibration_reviews_of(*, session: CalibrationSession, reviewer: Actor) -> list[Review]:
    """The reviewer's own reviews in the session, by call."""
    return list(session.reviews.filter(reviewer_id=id_of(reviewer)).select_related("call").order_by("call_id"))


def calibration_report(*, session: CalibrationSession) -> dict[str, Any]:
    """How far apart the reviewers of a session are, from their submitted reviews only.

    - per call: each reviewer's score and the median;
    - per criterion: the spread of the answers on each call (highest minus lowest, in percent of the
      criterion's scale; N/A left out), averaged over the calls, the largest, and the population standard
      deviation over every answer;
    - per reviewer: its deviation from each call's median score, averaged (signed: above or below the
      others) and in absolute value.
    """
    reviews = list(
        session.reviews.filter(status=ReviewStatus.SUBMITTED)
        .select_related("reviewer", "call")
        .prefetch_related("answers")
        .order_by("call_id", "reviewer_id")
    )
    criteria = list(Criterion.objects.filter(version_id=session.version_id).order_by("position", "id"))
    by_call: dict[int, list[Review]] = {}
    for review in reviews:
        by_call.setdefault(review.call_id, []).append(review)
    calls = []
    deviations: dict[int, list[float]] = {}
    reviewers = {review.reviewer_id: review.reviewer for review in reviews}
    for call_reviews in by_call.values():
        scores = {r.reviewer_id: float(r.score or 0) for r in call_reviews}
        middle = median(scores.values())
        for reviewer_id, score in scores.items():
            deviations.setdefault(int(reviewer_id or 0), []).append(score - middle)
        calls.append({"call": call_reviews[0].call, "scores": scores, "median": _half_up(middle, 2)})
    rows = []
    for criterion in criteria:
        spreads, everything = [], []
        for call_reviews in by_call.values():
            values = [
                100.0 * a.value / criterion.scale_max
                for r in call_reviews
                for a in r.answers.all()
                if a.criterion_id == criterion.pk and a.value is not None
            ]
            everything += values
            if len(values) > 1:
                spreads.append(max(values) - min(values))
        rows.append(
            {
                "criterion": criterion,
                "mean_spread": _half_up(sum(spreads) / len(spreads), 1) if spreads else None,
                "max_spread": _half_up(max(spreads), 1) if spreads else None,
                "stdev": _half_up(pstdev(everything), 1) if len(everything) > 1 else None,
            }
        )
    people = [
        {
            "reviewer": reviewers[reviewer_id],
            "reviews": len(values),
            "mean_deviation": _half_up(sum(values) / len(values), 2),
            "mean_abs_deviation": _half_up(sum(abs(v) for v in values) / len(values), 2),
        }
        for reviewer_id, values in sorted(deviations.items())
    ]
    return {"calls": calls, "criteria": rows, "reviewers": people, "submitted": len(reviews)}


def _half_up(value: float, digits: int) -> float:
    """Rounded as the metrics are (docs/metrics.md): a half away from zero."""
    return float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def calibration_candidate_calls(*, actor: Actor, limit: int = 30) -> QuerySet[Call]:
    """Recent answered calls of the actor's programs that a session could compare (not the actor's own)."""
    recent = (
        Call.objects.filter(
            program_id__in=served_program_ids(actor),
            agent__isnull=False,
            answered_at__isnull=False,
            ended_at__isnull=False,
        )
        .exclude(agent_id=id_of(actor))
        .order_by("-started_at", "-id")
        .values_list("pk", flat=True)[:limit]
    )
    return Call.objects.filter(pk__in=list(recent)).select_related("agent").order_by("-started_at", "-id")


def qa_reviewers(*, actor: Actor) -> QuerySet[User]:
    """The QA reviewers (and admins) who serve one of the actor's programs."""
    programs = served_program_ids(actor)
    return (
        User.objects.filter(is_active=True, role__in=[Role.QA_REVIEWER, Role.ADMIN])
        .filter(Q(programs__in=programs) | Q(teams__programs__in=programs) | Q(role=Role.ADMIN))
        .distinct()
        .order_by("username")
    )

"""QA pages: the reviewer's queue, a review (scored, acknowledged, disputed, decided), scorecards and
calibration. Every write goes through one service; refusals are shown where the user acted."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agents.decorators import role_required
from agents.http import AuthenticatedRequest
from agents.models import Program, Role
from agents.permissions import can_review_calls, can_use_quality_pages
from agents.selectors import program_list
from crm.permissions import can_hear_call_recording
from quality import permissions, selectors
from quality.forms import CalibrationForm, CriterionFormSet, ScorecardForm, criteria_rows
from quality.models import (
    CRITERION_FIELDS,
    AnswerType,
    CalibrationSession,
    DisputeOutcome,
    Review,
    ReviewStatus,
    Scorecard,
)
from quality.services.reviews import (
    calibration_close,
    calibration_create,
    review_acknowledge,
    review_decide,
    review_dispute,
    review_save,
    review_start,
    review_submit,
    scorecard_create,
    scorecard_edit,
)

quality_required = role_required(
    can_use_quality_pages, "Quality reviews are for agents, supervisors, QA and the knowledge managers."
)
reviewer_required = role_required(can_review_calls, "Scoring calls is for QA reviewers.")

# How many rows each list of the home page shows.
LIST_SIZE = 50


@quality_required
@require_GET
def review_home(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if user.role == Role.KNOWLEDGE_MANAGER:
        return redirect("quality:scorecard_list")  # what they keep here; the reviews are not theirs to read
    reviewer = can_review_calls(user)
    queue = selectors.review_queue(actor=user) if reviewer else None
    context: dict[str, Any] = {
        "reviewer": reviewer,
        "drafts": list(selectors.review_drafts(actor=user)[:LIST_SIZE]) if reviewer else [],
        "queue": list(queue[:LIST_SIZE]) if queue is not None else [],
        "queue_total": queue.count() if queue is not None else 0,
        "disputes": list(selectors.review_disputes_to_decide(actor=user)[:LIST_SIZE]),
        "published": list(selectors.review_published(actor=user)[:LIST_SIZE]),
        "sessions": list(selectors.calibration_list(actor=user).order_by("-created_at")[:10]),
        "can_edit_scorecards": any(
            permissions.can_edit_scorecards(user, program.pk) for program in program_list(actor=user)
        ),
    }
    return render(request, "quality/home.html", context)


def _review_or_404(request: AuthenticatedRequest, pk: int) -> Review:
    review = selectors.review_get(actor=request.user, pk=pk)
    if review is None:
        raise Http404("No such review.")
    return review


def _answers_from(post: Any, rows: list[dict[str, Any]]) -> tuple[dict[int, int | None], dict[int, str]]:
    """The answers a form posted: ``answer-<criterion>`` is a number or "na"; unanswered ones are left out."""
    values: dict[int, int | None] = {}
    notes: dict[int, str] = {}
    for row in rows:
        pk = row["criterion"].pk
        raw = post.get(f"answer-{pk}", "")
        if raw == "na":
            values[pk] = None
        elif raw != "":
            try:
                values[pk] = int(raw)
            except ValueError as exc:
                raise ValidationError({"answers": [f"{row['criterion'].label}: choose one of the answers."]}) from exc
        if f"note-{pk}" in post:
            notes[pk] = post.get(f"note-{pk}", "")
    return values, notes


def _choices(criterion: Any) -> list[tuple[str, str]]:
    if criterion.answer_type == AnswerType.YES_NO:
        return [("1", "Yes"), ("0", "No"), ("na", "N/A")]
    return [(str(n), str(n)) for n in range(criterion.scale_max + 1)] + [("na", "N/A")]


@quality_required
@require_GET
def review_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    review = _review_or_404(request, pk)
    rows = selectors.review_answers(review=review)
    for row in rows:
        row["choices"] = _choices(row["criterion"])
        answer = row["answer"]
        row["current"] = "" if answer is None else ("na" if answer.value is None else str(answer.value))
    sections: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        sections.setdefault(row["criterion"].section, []).append(row)
    user = request.user
    context = {
        "review": review,
        "call": review.call,
        "sections": sections,
        "can_edit": permissions.can_edit_review(user, review),
        "can_start": review.status == ReviewStatus.QUEUED and permissions.can_score_call(user, review.call),
        "can_answer": review.status == ReviewStatus.SUBMITTED and permissions.can_answer_review(user, review),
        "can_decide": permissions.can_decide_dispute(user, review),
        "recording": review.call.recording_url if can_hear_call_recording(user, review.call) else "",
        "outcomes": DisputeOutcome.choices,
    }
    return render(request, "quality/review_detail.html", context)


@reviewer_required
@require_POST
def review_start_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    review = review_start(actor=request.user, review=_review_or_404(request, pk))
    return redirect("quality:review_detail", pk=review.pk)


@reviewer_required
@require_POST
def review_save_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    review = _review_or_404(request, pk)
    values, notes = _answers_from(request.POST, selectors.review_answers(review=review))
    review = review_save(
        actor=request.user, review=review, answers=values, notes=notes, comment=request.POST.get("comment", "")
    )
    if "submit" in request.POST:
        review = review_submit(actor=request.user, review=review)
        messages.success(request, f"Submitted: {review.score}%.")
        if review.calibration_id:
            return redirect("quality:calibration_detail", pk=review.calibration_id)
        return redirect("quality:review_home")
    messages.success(request, "Draft saved.")
    return redirect("quality:review_detail", pk=review.pk)


@quality_required
@require_POST
def review_acknowledge_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    review_acknowledge(actor=request.user, review=_review_or_404(request, pk))
    messages.success(request, "Acknowledged. Thank you.")
    return redirect("quality:review_detail", pk=pk)


@quality_required
@require_POST
def review_dispute_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    review_dispute(actor=request.user, review=_review_or_404(request, pk), reason=request.POST.get("reason", ""))
    messages.success(request, "Dispute sent to your supervisor.")
    return redirect("quality:review_detail", pk=pk)


@quality_required
@require_POST
def review_decide_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    review = _review_or_404(request, pk)
    outcome = request.POST.get("decision", "")
    answers = None
    if outcome == DisputeOutcome.AMENDED:
        answers, _ = _answers_from(request.POST, selectors.review_answers(review=review))
    review_decide(
        actor=request.user, review=review, outcome=outcome, note=request.POST.get("note", ""), answers=answers
    )
    messages.success(request, "Dispute decided; the agent and the reviewer are told.")
    return redirect("quality:review_detail", pk=pk)


# --- Scorecards ------------------------------------------------------------------------------------------


def _editable_programs(request: AuthenticatedRequest) -> list[Any]:
    return [p for p in program_list(actor=request.user) if permissions.can_edit_scorecards(request.user, p.pk)]


@quality_required
@require_GET
def scorecard_list_view(request: AuthenticatedRequest) -> HttpResponse:
    if not (can_review_calls(request.user) or _editable_programs(request)):
        raise PermissionDenied("Scorecards are kept by knowledge managers and read by QA reviewers.")
    scorecards = selectors.scorecard_list(actor=request.user).prefetch_related("versions")
    return render(
        request,
        "quality/scorecard_list.html",
        {"scorecards": scorecards, "programs": _editable_programs(request)},
    )


def _initial_rows(scorecard: Scorecard | None) -> list[dict[str, Any]]:
    if scorecard is None:
        return []
    criteria = selectors.scorecard_latest_criteria(scorecard=scorecard)
    return [{name: getattr(c, name) for name in CRITERION_FIELDS} for c in criteria]


@quality_required
@require_http_methods(["GET", "POST"])
def scorecard_edit_view(request: AuthenticatedRequest, pk: int | None = None) -> HttpResponse:
    """Creates a scorecard (``?program=``) or edits one: saving a scorecard in use makes a new version."""
    scorecard: Scorecard | None = None
    program: Program | None
    if pk is not None:
        scorecard = selectors.scorecard_get(actor=request.user, pk=pk)
        if scorecard is None:
            raise Http404("No such scorecard.")
        program = scorecard.program
    else:
        program = next((p for p in _editable_programs(request) if str(p.pk) == request.GET.get("program")), None)
        if program is None:
            raise Http404("Choose one of your programs.")
    if not permissions.can_edit_scorecards(request.user, program.pk):
        raise PermissionDenied("Only knowledge managers and admins of this program edit scorecards.")
    initial = {"name": scorecard.name} if scorecard else {}
    form = ScorecardForm(request.POST or None, initial=initial)
    formset = CriterionFormSet(request.POST or None, initial=_initial_rows(scorecard), prefix="criteria")
    errors: list[str] = []
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            if scorecard is None:
                scorecard = scorecard_create(
                    actor=request.user, program=program, name=form.cleaned_data["name"], criteria=criteria_rows(formset)
                )
                messages.success(request, f"Scorecard {scorecard.name} created.")
            else:
                version = scorecard_edit(
                    actor=request.user,
                    scorecard=scorecard,
                    criteria=criteria_rows(formset),
                    note=form.cleaned_data["note"],
                )
                messages.success(request, f"Saved as version {version.number}.")
            return redirect("quality:scorecard_edit", pk=scorecard.pk)
        except ValidationError as exc:
            errors = exc.messages
    versions = selectors.scorecard_versions(scorecard=scorecard) if scorecard else []
    return render(
        request,
        "quality/scorecard_form.html",
        {
            "scorecard": scorecard,
            "program": program,
            "form": form,
            "formset": formset,
            "errors": errors,
            "versions": versions,
        },
        status=400 if request.method == "POST" else 200,
    )


# --- Calibration -----------------------------------------------------------------------------------------


@reviewer_required
@require_http_methods(["GET", "POST"])
def calibration_new(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    form = CalibrationForm(
        request.POST or None,
        programs=program_list(actor=user),
        calls=selectors.calibration_candidate_calls(actor=user),
        reviewers=selectors.qa_reviewers(actor=user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = calibration_create(
                actor=user,
                program=data["program"],
                name=data["name"],
                calls=list(data["calls"]),
                reviewers=list(data["reviewers"]),
            )
        except ValidationError as exc:
            for field, problems in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, "Session created: each reviewer has a draft of every call.")
            return redirect("quality:calibration_detail", pk=session.pk)
    return render(request, "quality/calibration_form.html", {"form": form}, status=400 if form.errors else 200)


def _session_or_404(request: AuthenticatedRequest, pk: int) -> CalibrationSession:
    session = selectors.calibration_get(actor=request.user, pk=pk)
    if session is None:
        raise Http404("No such session.")
    return session


@quality_required
@require_GET
def calibration_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    session = _session_or_404(request, pk)
    mine = selectors.calibration_reviews_of(session=session, reviewer=request.user)
    # A reviewer sees the others' scores once its own are in (or the session is closed): no anchoring.
    report_open = session.status == "closed" or all(r.status == ReviewStatus.SUBMITTED for r in mine)
    return render(
        request,
        "quality/calibration_detail.html",
        {
            "session": session,
            "report": selectors.calibration_report(session=session) if report_open else None,
            "mine": mine,
            "can_close": session.status == "open" and permissions.can_run_calibration(request.user, session.program_id),
        },
    )


@reviewer_required
@require_POST
def calibration_close_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    calibration_close(actor=request.user, session=_session_or_404(request, pk))
    messages.success(request, "Session closed.")
    return redirect("quality:calibration_detail", pk=pk)

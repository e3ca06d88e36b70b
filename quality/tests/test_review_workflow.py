"""A review from the sample to its final state: automatic answers, scoring, the agent's answer, the dispute and
its four-eyes decision (enforced by the database too), and who may read what."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from agents.models import Notification, Role
from agents.tests.factories import make_user
from config.errors import InvalidTransition, NotAllowed
from config.redaction import redact_text
from crm.models import Call, WrapUpCode
from knowledge.models import Article, ScriptRun
from quality.models import Criterion, Review, ReviewStatus
from quality.permissions import can_decide_dispute
from quality.selectors import review_list
from quality.services.reviews import (
    review_acknowledge,
    review_create,
    review_decide,
    review_dispute,
    review_save,
    review_start,
    review_submit,
)
from quality.tests.factories import qa_reviewer, qa_scorecard
from reports.tests.factories import inbound_call

pytestmark = pytest.mark.django_db


def _criteria(qa) -> dict[str, Criterion]:
    return {c.label: c for c in Criterion.objects.filter(version=qa.version)}


def _answer_all(qa, review: Review, **overrides: int | None) -> Review:
    """Answers every criterion the automatic rules left open: yes / top marks unless overridden by label."""
    criteria = _criteria(qa)
    filled = set(review.answers.values_list("criterion_id", flat=True))
    values = {
        c.pk: overrides.get(c.label, c.scale_max)
        for label, c in criteria.items()
        if c.pk not in filled or label in overrides
    }
    return review_save(actor=qa.reviewer, review=review, answers=values, comment="Clear and friendly.")


def _submitted(qa, **overrides: int | None) -> Review:
    review = review_start(actor=qa.reviewer, review=qa.review)
    _answer_all(qa, review, **overrides)
    return review_submit(actor=qa.reviewer, review=review)


def test_starting_a_sampled_call_fills_what_the_calls_record_says(qa):
    # The call: 90 s on hold (threshold 60), a card number typed into the notes (redacted), no wrap-up code,
    # a script with two steps of which one was ticked.
    Call.objects.filter(pk=qa.call.pk).update(notes=redact_text("Card 4111 1111 1111 1111 read out"))
    article = Article.objects.create(
        title="Refund script", slug="refund-script", kind="script", status="published", program=qa.world.program_a,
        steps=[{"id": "greet", "kind": "say", "text": "Hello"}, {"id": "verify", "kind": "ask", "text": "Postcode?"}],
    )  # fmt: skip
    ScriptRun.objects.create(call=qa.call, article=article, ticked=["greet"])
    review = review_start(actor=qa.reviewer, review=qa.review)
    assert (review.status, review.reviewer, review.version) == (ReviewStatus.DRAFT, qa.reviewer, qa.version)
    automatic = {a.criterion.label: a.value for a in review.answers.select_related("criterion") if a.automatic}
    assert automatic == {
        "No card data in the notes": 0,
        "Wrap-up code recorded": 0,
        "Short holds": 0,
        "Script followed": 0,
    }


def test_a_clean_call_gets_full_automatic_marks(qa):
    code = WrapUpCode.objects.create(program=qa.world.program_a, code="sorted", label="Sorted")
    Call.objects.filter(pk=qa.call.pk).update(wrap_up_code=code, hold_seconds=30, notes="Order 1234 refunded")
    review = review_start(actor=qa.reviewer, review=qa.review)
    automatic = {a.criterion.label: a.value for a in review.answers.select_related("criterion") if a.automatic}
    # No script was followed on the call: the record cannot say, so the reviewer answers that one.
    assert automatic == {"No card data in the notes": 1, "Wrap-up code recorded": 1, "Short holds": 1}


def test_submit_scores_and_tells_the_agent_who_acknowledges(qa):
    # Automatic: card data 1 (weight 2), wrap-up 0 (1), holds 0 (1). Answered: greeting 1 (1), identity 1 (3),
    # resolution 2 of 4 (4), script 1 (1). Earned 2 + 1 + 3 + 2 + 1 = 9 of 13 = 69.23 %.
    review = _submitted(qa, Resolution=2)
    assert (review.status, review.score, review.failed_critical) == ("submitted", Decimal("69.23"), False)
    note = Notification.objects.get(recipient=qa.world.agent, kind="qa_review")
    assert "69.23%" in note.title
    assert note.url == f"/qa/reviews/{review.pk}/"
    assert review_acknowledge(actor=qa.world.agent, review=review).status == "acknowledged"
    # Acknowledging twice is a no-op; disputing after acknowledging names both states.
    assert review_acknowledge(actor=qa.world.agent, review=review).status == "acknowledged"
    with pytest.raises(InvalidTransition, match="'acknowledged' to 'disputed'"):
        review_dispute(actor=qa.world.agent, review=review, reason="Too late")


def test_a_missed_critical_criterion_fails_the_review(qa):
    review = _submitted(qa, **{"Identity verified": 0})
    assert (review.score, review.failed_critical) == (Decimal("0.00"), True)


def test_submit_refuses_an_unanswered_criterion_and_keeps_the_draft(qa):
    review = review_start(actor=qa.reviewer, review=qa.review)
    with pytest.raises(ValidationError, match="Greeting"):
        review_submit(actor=qa.reviewer, review=review)
    review.refresh_from_db()
    assert (review.status, review.score) == ("draft", None)


def test_an_answer_out_of_the_scale_is_refused_naming_the_criterion(qa):
    review = review_start(actor=qa.reviewer, review=qa.review)
    with pytest.raises(ValidationError, match="Resolution: answer between 0 and 4"):
        review_save(actor=qa.reviewer, review=review, answers={_criteria(qa)["Resolution"].pk: 7})


def test_two_reviewers_cannot_both_take_a_sampled_call(qa):
    other = qa_reviewer(qa.world.program_a, username="other-reviewer")
    review_start(actor=qa.reviewer, review=qa.review)
    with pytest.raises(InvalidTransition, match="'draft' to 'draft'"):
        review_start(actor=other, review=qa.review)
    # The first reviewer clicking again is a no-op; nobody else may change its draft.
    assert review_start(actor=qa.reviewer, review=qa.review).reviewer == qa.reviewer
    with pytest.raises(NotAllowed):
        review_save(actor=other, review=qa.review, answers={})


def test_nobody_scores_their_own_call(qa):
    own = inbound_call(qa.world.program_a, at=qa.call.started_at, agent=qa.reviewer, talk=60)
    with pytest.raises(NotAllowed):
        review_create(actor=qa.reviewer, call=own)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(
            program=qa.world.program_a, call=own, agent=qa.reviewer, attributed_at=own.started_at,
            version=qa.version, reviewer=qa.reviewer, status="draft",
        )  # fmt: skip


def test_a_call_is_reviewed_once(qa):
    with pytest.raises(ValidationError, match="already reviewed"):
        review_create(actor=qa.reviewer, call=qa.call)


def test_a_dispute_needs_a_reason_and_reaches_the_agents_supervisor(qa):
    review = _submitted(qa)
    with pytest.raises(ValidationError) as refused:
        review_dispute(actor=qa.world.agent, review=review, reason="  ")
    assert "dispute_reason" in refused.value.message_dict
    with pytest.raises(NotAllowed):
        review_dispute(actor=qa.teammate, review=review, reason="Not my call but I object")
    review_dispute(actor=qa.world.agent, review=review, reason="The customer had verified in the IVR.")
    assert Notification.objects.filter(recipient=qa.world.supervisor, kind="qa_dispute").count() == 1
    assert not Notification.objects.filter(recipient=qa.world.manager, kind="qa_dispute").exists()


def test_the_supervisor_upholds_or_amends_and_both_are_told(qa):
    review = _submitted(qa, Resolution=2)
    review_dispute(actor=qa.world.agent, review=review, reason="I resolved it fully.")
    with pytest.raises(ValidationError) as refused:
        review_decide(actor=qa.world.supervisor, review=review, outcome="amended", note="")
    assert "decision_note" in refused.value.message_dict
    decided = review_decide(
        actor=qa.world.supervisor,
        review=review,
        outcome="amended",
        note="Fully resolved: the refund went through.",
        answers={_criteria(qa)["Resolution"].pk: 4},
    )
    # Resolution 4 of 4 instead of 2: 11 of 13 = 84.62 %.
    assert (decided.status, decided.decision, decided.score) == ("final", "amended", Decimal("84.62"))
    assert decided.decided_by == qa.world.supervisor
    told = set(Notification.objects.filter(kind="qa_dispute_decided").values_list("recipient__username", flat=True))
    assert told == {"agent", "quinn"}


# Who may decide a dispute, through the service's predicate and through a raw UPDATE only the database guards.
FOUR_EYES = [
    ("supervisor", True),  # supervises the agent's team
    ("manager", True),  # a manager of the program
    ("admin", True),
    ("reviewer_supervisor", False),  # a supervisor of the team, but it wrote the review
    ("other_supervisor", False),  # a supervisor of another team of the program
    ("agent", False),  # the agent itself
    ("teammate", False),  # another agent
]


def _decider(qa, who: str):
    w = qa.world
    if who == "reviewer_supervisor":
        return make_user(Role.SUPERVISOR, team=w.team_a, supervisor=True, username="boss-reviewer")
    if who == "other_supervisor":
        return make_user(Role.SUPERVISOR, program=w.program_a, supervisor=True, username="elsewhere")
    return {"supervisor": w.supervisor, "manager": w.manager, "admin": w.admin, "agent": w.agent}.get(who, qa.teammate)


@pytest.mark.parametrize(("who", "allowed"), FOUR_EYES)
def test_four_eyes_on_a_dispute_in_the_service_and_the_database(qa, who, allowed):
    decider = _decider(qa, who)
    # "reviewer_supervisor": a supervisor of the agent's team who also scores calls wrote this review.
    reviewer = decider if who == "reviewer_supervisor" else qa.reviewer
    Review.objects.filter(pk=qa.review.pk).update(
        status="disputed", reviewer=reviewer, version=qa.version, score=50, submitted_at=qa.call.started_at,
        dispute_reason="No.",
    )  # fmt: skip
    review = Review.objects.get(pk=qa.review.pk)
    assert can_decide_dispute(decider, review) is allowed
    if allowed:
        assert review_decide(actor=decider, review=review, outcome="upheld", note="Stands.").status == "final"
        return
    with pytest.raises(NotAllowed):
        review_decide(actor=decider, review=review, outcome="upheld", note="Stands.")
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE quality_review SET status = 'final', decided_by_id = %s, decided_at = now(), "
            "decision = 'upheld', decision_note = 'raw' WHERE id = %s",
            [decider.pk, review.pk],
        )
    review.refresh_from_db()
    assert review.status == "disputed"


def test_a_review_never_points_at_another_programs_call_or_scorecard(qa):
    other_call = inbound_call(qa.world.program_b, at=qa.call.started_at, agent=qa.world.agent_b, talk=60)
    with pytest.raises(IntegrityError, match="not a call of agent"), transaction.atomic():
        Review.objects.create(
            program=qa.world.program_a, call=other_call, agent=qa.world.agent_b, attributed_at=other_call.started_at
        )
    with pytest.raises(IntegrityError, match="scorecard version"), transaction.atomic():
        Review.objects.filter(pk=qa.review.pk).update(
            status="draft", reviewer=qa.reviewer, version=qa_scorecard(qa.world.program_b)
        )


# --- Who reads what ------------------------------------------------------------------------------------


def test_scores_are_seen_by_the_agent_its_supervisor_and_qa_never_by_other_agents(qa):
    w = qa.world
    review = review_start(actor=qa.reviewer, review=qa.review)
    # A draft is the reviewer's (and QA's) only.
    assert _sees(qa.reviewer, review)
    assert not _sees(w.agent, review)
    assert not _sees(w.supervisor, review)
    _answer_all(qa, review)
    review_submit(actor=qa.reviewer, review=review)
    readers = {
        "agent": True,
        "supervisor": True,
        "manager": True,
        "admin": True,
        "quinn": True,
        "teammate": False,
        "agent_b": False,
        "knowledge_manager": False,
        "integrator": False,
    }
    users = {u.username: u for u in (w.agent, w.supervisor, w.manager, w.admin, w.agent_b, w.knowledge_manager)}
    users |= {"quinn": qa.reviewer, "teammate": qa.teammate, "integrator": w.integrator}
    assert {name: _sees(user, review) for name, user in users.items()} == readers


def _sees(user, review: Review) -> bool:
    return review_list(actor=user).filter(pk=review.pk).exists()


def test_another_agent_gets_a_404_on_the_review_page(qa, client):
    review = _submitted(qa)
    client.force_login(qa.teammate)
    assert client.get(f"/qa/reviews/{review.pk}/").status_code == 404
    client.force_login(qa.world.agent)
    page = client.get(f"/qa/reviews/{review.pk}/")
    assert page.status_code == 200
    assert b"Acknowledge" in page.content
    assert b"Clear and friendly." in page.content


def test_submitting_an_incomplete_review_on_the_page_keeps_what_was_answered(qa, client):
    review = review_start(actor=qa.reviewer, review=qa.review)
    greeting = _criteria(qa)["Greeting"]
    client.force_login(qa.reviewer)
    posted = client.post(
        f"/qa/reviews/{review.pk}/save/",
        {f"answer-{greeting.pk}": "1", "comment": "Half done", "submit": ""},
        HTTP_REFERER=f"/qa/reviews/{review.pk}/",
    )
    assert posted.status_code == 302
    page = client.get(posted["Location"])
    assert "Answer every criterion" in page.content.decode()
    assert "Identity verified" in page.content.decode()
    review.refresh_from_db()
    assert (review.status, review.comment) == ("draft", "Half done")
    assert review.answers.get(criterion=greeting).value == 1

"""Calibration: reviewers score the same calls on their own; the report's spreads and deviations, by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from quality.models import Criterion
from quality.selectors import calibration_report, review_list
from quality.services.reviews import calibration_close, calibration_create, review_save, review_submit
from quality.tests.factories import qa_reviewer, qa_scorecard
from reports.selectors import Query, metrics_total
from reports.services.rollup import calls_rollup
from reports.tests.factories import inbound_call

pytestmark = pytest.mark.django_db
AT = datetime(2026, 11, 3, 15, 0, tzinfo=UTC)
# A yes/no criterion of weight 1 and a 0-4 scale of weight 3.
CRITERIA = [
    {"section": "Opening", "label": "Greeting", "weight": 1},
    {"section": "Resolution", "label": "Resolution", "answer_type": "scale", "scale_max": 4, "weight": 3},
]
# (reviewer, call index) -> (greeting, resolution): scores (1·g + 3·r/4) / 4 in percent.
CRITERIA_LABELS = ("Greeting", "Resolution")
SCORES = {
    ("quinn", 0): (1, 4),  # 100
    ("quinn", 1): (0, 2),  # 37.5
    ("rex", 0): (1, 2),  # 62.5
    ("rex", 1): (1, 2),  # 62.5
    ("tess", 0): (1, 3),  # 81.25
    ("tess", 1): (0, 1),  # 18.75
}


@pytest.fixture
def session(world):
    qa_scorecard(world.program_a, criteria=CRITERIA)
    reviewers = [qa_reviewer(world.program_a, username=name) for name in ("quinn", "rex", "tess")]
    calls = [inbound_call(world.program_a, at=AT + timedelta(hours=n), agent=world.agent, talk=200) for n in range(2)]
    created = calibration_create(
        actor=reviewers[0], program=world.program_a, name="November", calls=calls, reviewers=reviewers
    )
    return created, reviewers, calls


def _score_all(session, reviewers, calls, *, only: set[str] | None = None) -> None:
    greeting, resolution = (Criterion.objects.get(version=session.version, label=label) for label in CRITERIA_LABELS)
    for reviewer in reviewers:
        if only is not None and reviewer.username not in only:
            continue
        for index, call in enumerate(calls):
            review = session.reviews.get(reviewer=reviewer, call=call)
            g, r = SCORES[(reviewer.username, index)]
            review_save(actor=reviewer, review=review, answers={greeting.pk: g, resolution.pk: r})
            review_submit(actor=reviewer, review=review)


def test_every_reviewer_gets_its_own_draft_of_every_call(session):
    created, reviewers, calls = session
    assert created.reviews.filter(status="draft").count() == 6
    assert {(r.reviewer_id, r.call_id) for r in created.reviews.all()} == {
        (reviewer.pk, call.pk) for reviewer in reviewers for call in calls
    }


def test_the_report_by_hand(session):
    created, reviewers, calls = session
    _score_all(created, reviewers, calls)
    report = calibration_report(session=created)
    # Medians: call 1 of (100, 62.5, 81.25) = 81.25; call 2 of (37.5, 62.5, 18.75) = 37.5.
    assert [row["median"] for row in report["calls"]] == [81.25, 37.5]
    deviations = {
        row["reviewer"].username: (row["mean_deviation"], row["mean_abs_deviation"]) for row in report["reviewers"]
    }
    assert deviations == {
        "quinn": (9.38, 9.38),  # +18.75 and 0
        "rex": (3.13, 21.88),  # -18.75 and +25
        "tess": (-9.38, 9.38),  # 0 and -18.75
    }
    spread = {
        row["criterion"].label: (row["mean_spread"], row["max_spread"], row["stdev"]) for row in report["criteria"]
    }
    assert spread == {
        # Greeting: (1, 1, 1) on call 1, (0, 1, 0) on call 2: spreads 0 and 100; σ of 100,100,100,0,100,0.
        "Greeting": (50.0, 100.0, 47.1),
        # Resolution in % of the scale: (100, 50, 75) and (50, 50, 25): spreads 50 and 25.
        "Resolution": (37.5, 50.0, 23.6),
    }


def test_scores_stay_hidden_until_a_reviewer_has_submitted_its_own(session, client):
    created, reviewers, calls = session
    quinn, rex, _ = reviewers
    _score_all(created, reviewers, calls, only={"rex"})
    # Quinn cannot read Rex's calibration scores while the session is open.
    assert not review_list(actor=quinn).filter(calibration=created, reviewer=rex).exists()
    client.force_login(quinn)
    page = client.get(f"/qa/calibration/{created.pk}/")
    assert b"Submit your own scores" in page.content
    assert b"Mean absolute deviation" not in page.content
    _score_all(created, reviewers, calls, only={"quinn"})
    page = client.get(f"/qa/calibration/{created.pk}/")
    assert b"Mean absolute deviation" in page.content
    calibration_close(actor=quinn, session=created)
    assert review_list(actor=quinn).filter(calibration=created, reviewer=rex).count() == 2


def test_calibration_scores_never_reach_the_agent_or_the_metrics(session, world):
    created, reviewers, calls = session
    _score_all(created, reviewers, calls)
    assert not review_list(actor=world.agent).exists()
    calls_rollup()
    day = Query(start=datetime(2026, 11, 3, tzinfo=UTC), end=datetime(2026, 11, 4, tzinfo=UTC), interval="day")
    assert metrics_total(actor=world.manager, query=day).qa_reviews == 0


def test_a_session_needs_two_reviewers_and_answered_calls(world):
    qa_scorecard(world.program_a, criteria=CRITERIA)
    quinn = qa_reviewer(world.program_a, username="quinn")
    call = inbound_call(world.program_a, at=AT, agent=world.agent, talk=100)
    with pytest.raises(ValidationError) as refused:
        calibration_create(actor=quinn, program=world.program_a, name="Solo", calls=[call], reviewers=[quinn])
    assert "reviewers" in refused.value.message_dict
    unanswered = inbound_call(world.program_a, at=AT, answered=False, state="abandoned")
    rex = qa_reviewer(world.program_a, username="rex")
    with pytest.raises(ValidationError) as refused:
        calibration_create(actor=quinn, program=world.program_a, name="X", calls=[unanswered], reviewers=[quinn, rex])
    assert "calls" in refused.value.message_dict

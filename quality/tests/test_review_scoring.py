"""The one scoring rule (docs/metrics.md, "QA score"), against scores computed by hand."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from quality.models import Criterion
from quality.services.reviews import review_score


def _criteria() -> list[Criterion]:
    # pk, weight, scale_max, critical
    rows = [(1, 1, 1, False), (2, 3, 1, True), (3, 4, 4, False), (4, 2, 1, False)]
    return [Criterion(pk=pk, weight=w, scale_max=top, critical=crit, label=f"c{pk}") for pk, w, top, crit in rows]


def test_weighted_points_over_possible_points():
    # 1·1 + 3·1 + 4·(3/4) + 2·0 = 7 of 10 possible points.
    score = review_score(_criteria(), {1: 1, 2: 1, 3: 3, 4: 0})
    assert score.percent == Decimal("70.00")
    assert not score.failed_critical


def test_not_applicable_leaves_the_criterion_out():
    # Criterion 4 (weight 2) is N/A: 1 + 3 + 4·(2/4) = 6 of 8.
    assert review_score(_criteria(), {1: 1, 2: 1, 3: 2, 4: None}).percent == Decimal("75.00")


def test_a_missed_critical_criterion_fails_the_review_whatever_else():
    score = review_score(_criteria(), {1: 1, 2: 0, 3: 4, 4: 1})
    assert (score.percent, score.failed_critical) == (Decimal("0.00"), True)


def test_a_critical_criterion_not_applicable_does_not_fail():
    score = review_score(_criteria(), {1: 1, 2: None, 3: 4, 4: 1})
    assert (score.percent, score.failed_critical) == (Decimal("100.00"), False)


def test_everything_not_applicable_scores_full_marks():
    assert review_score(_criteria(), dict.fromkeys(range(1, 5))).percent == Decimal("100.00")


def test_two_decimals_half_up():
    # Criterion 1 N/A: 3 + 4·(1/4) + 0 = 4 of 9 = 44.444… → 44.44.
    # Criterion 3 N/A: 1 + 3 + 0 = 4 of 6 = 66.666… → 66.67 (a repeating 6 rounds up).
    assert review_score(_criteria(), {1: None, 2: 1, 3: 1, 4: 0}).percent == Decimal("44.44")
    assert review_score(_criteria(), {1: 1, 2: 1, 3: None, 4: 0}).percent == Decimal("66.67")


@given(st.lists(st.one_of(st.none(), st.integers(min_value=0, max_value=4)), min_size=4, max_size=4))
def test_a_score_is_always_between_0_and_100(values):
    criteria = _criteria()
    answers = {c.pk: (None if v is None else min(v, c.scale_max)) for c, v in zip(criteria, values, strict=True)}
    score = review_score(criteria, answers)
    assert Decimal(0) <= score.percent <= Decimal(100)
    assert score.failed_critical == (answers[2] == 0)

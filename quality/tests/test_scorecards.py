"""Scorecards: knowledge managers and admins keep them; an edit of a version in use makes the next version, and a
review keeps the questions it was scored on (the database refuses changing them)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from config.errors import NotAllowed
from quality.models import Criterion, Scorecard, ScorecardVersion
from quality.services.reviews import scorecard_create, scorecard_edit
from quality.tests.factories import CRITERIA, qa_review
from reports.tests.factories import inbound_call

pytestmark = pytest.mark.django_db


def _form(name: str, rows: list[dict[str, object]], note: str = "", initial: int = 0) -> dict[str, object]:
    """What the page posts: ``rows`` (the first ``initial`` of them shown filled in), then an empty row."""
    data: dict[str, object] = {
        "name": name,
        "note": note,
        "criteria-TOTAL_FORMS": len(rows) + 1,
        "criteria-INITIAL_FORMS": initial,
        "criteria-MIN_NUM_FORMS": 0,
        "criteria-MAX_NUM_FORMS": 60,
    }
    # The last row is left as the page shows it: empty, with the fields' defaults.
    for index, row in enumerate([*rows, {}]):
        values = {"answer_type": "yes_no", "scale_max": 1, "weight": 1, "auto_rule": ""} | row
        data |= {f"criteria-{index}-{key}": value for key, value in values.items()}
    return data


def test_a_knowledge_manager_creates_and_edits_a_scorecard_on_its_page(world, client):
    client.force_login(world.knowledge_manager)
    rows = [
        {"section": "Greeting", "label": "Says hello", "weight": 1},
        {"section": "Verification", "label": "Checks identity", "weight": 3, "critical": "on"},
    ]
    created = client.post(f"/qa/scorecards/new/?program={world.program_a.pk}", _form("Front line", rows))
    scorecard = Scorecard.objects.get(program=world.program_a)
    assert created.status_code == 302
    assert created["Location"] == f"/qa/scorecards/{scorecard.pk}/"
    [version] = scorecard.versions.all()
    assert [(c.label, c.weight, c.critical) for c in version.criteria.all()] == [
        ("Says hello", 1, False),
        ("Checks identity", 3, True),
    ]
    # Nobody scored on it yet: the edit changes version 1 in place.
    edit = _form("Front line", [rows[0], rows[1] | {"DELETE": "on"}], initial=2)
    assert client.post(f"/qa/scorecards/{scorecard.pk}/", edit).status_code == 302
    assert list(scorecard.versions.values_list("number", flat=True)) == [1]
    assert version.criteria.count() == 1


def test_a_rule_that_needs_a_threshold_is_refused_naming_the_criterion(world, client):
    client.force_login(world.knowledge_manager)
    rows = [{"section": "Tone", "label": "Short holds", "auto_rule": "hold_under"}]
    page = client.post(f"/qa/scorecards/new/?program={world.program_a.pk}", _form("Holds", rows))
    assert page.status_code == 400
    assert b"The hold-time rule needs a threshold in seconds." in page.content
    assert not Scorecard.objects.exists()


def test_editing_a_version_in_use_makes_the_next_one_and_the_review_keeps_its_own(world):
    scorecard = scorecard_create(actor=world.knowledge_manager, program=world.program_a, name="Q", criteria=CRITERIA)
    review = qa_review(inbound_call(world.program_a, at=scorecard.created_at, agent=world.agent, talk=60), score="80")
    old = review.version
    new = scorecard_edit(actor=world.admin, scorecard=scorecard, criteria=CRITERIA[:3], note="Fewer questions")
    assert (old.number, new.number, new.note) == (1, 2, "Fewer questions")
    review.refresh_from_db()
    assert review.version == old
    assert old.criteria.count() == len(CRITERIA)
    # Nothing changes the questions a review was scored on, whatever writes it.
    with pytest.raises(IntegrityError, match="in use"), transaction.atomic():
        Criterion.objects.filter(version=old).update(weight=50)
    with pytest.raises(IntegrityError, match="in use"), transaction.atomic():
        Criterion.objects.create(version=old, section="X", label="Added later")


def test_only_knowledge_managers_and_admins_of_the_program_edit(world, client):
    with pytest.raises(NotAllowed):
        scorecard_create(actor=world.qa_reviewer, program=world.program_a, name="Q", criteria=CRITERIA)
    with pytest.raises(NotAllowed):
        scorecard_create(actor=world.knowledge_manager, program=world.program_b, name="Q", criteria=CRITERIA)
    scorecard = scorecard_create(actor=world.admin, program=world.program_b, name="B", criteria=CRITERIA)
    client.force_login(world.knowledge_manager)
    assert client.get(f"/qa/scorecards/{scorecard.pk}/").status_code == 404
    client.force_login(world.agent)
    assert client.get(f"/qa/scorecards/new/?program={world.program_a.pk}").status_code == 404


def test_a_scorecard_needs_a_criterion_and_a_name(world):
    with pytest.raises(ValidationError) as refused:
        scorecard_create(actor=world.admin, program=world.program_a, name="Q", criteria=[])
    assert "criteria" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        scorecard_create(actor=world.admin, program=world.program_a, name=" ", criteria=CRITERIA)
    assert "name" in refused.value.message_dict
    assert not ScorecardVersion.objects.exists()

"""Scorecards and quality reviews over the API, and the recording link: who reads what, in how many queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from crm.models import Call
from quality.services.reviews import scorecard_edit
from quality.tests.factories import CRITERIA, qa_review, qa_scorecard
from reports.tests.factories import inbound_call

pytestmark = pytest.mark.django_db
REVIEWS = "/api/v1/qa/reviews/"
AT = datetime(2026, 11, 3, 15, 0, tzinfo=UTC)
RECORDING = "https://recordings.example.com/a/1.mp3"


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _reviews(world, count: int) -> list:
    qa_scorecard(world.program_a)
    calls = [
        inbound_call(world.program_a, at=AT + timedelta(minutes=n), agent=world.agent, talk=60, recording_url=RECORDING)
        for n in range(count)
    ]
    return [qa_review(call, score="75", reviewer=world.qa_reviewer) for call in calls]


def test_each_role_reads_only_the_reviews_it_may(world):
    [review] = _reviews(world, 1)
    other = inbound_call(world.program_b, at=AT, agent=world.agent_b, talk=60)
    other_review = qa_review(other, score="50")
    seen = {
        user.username: [row["id"] for row in _api(user).get(REVIEWS).json()["results"]]
        for user in (world.agent, world.supervisor, world.qa_reviewer, world.agent_b, world.integrator)
    }
    assert seen == {
        "agent": [review.pk],
        "supervisor": [review.pk],
        "qa_reviewer": [review.pk],
        "agent_b": [other_review.pk],  # its own call, in program B
        "integrator": [],
    }
    assert _api(world.agent_b).get(f"{REVIEWS}{review.pk}/").status_code == 404


def test_a_review_carries_its_answers_and_the_recording_only_for_qa(world):
    [review] = _reviews(world, 1)
    body = _api(world.qa_reviewer).get(f"{REVIEWS}{review.pk}/").json()
    assert (body["agent"], body["reviewer"], body["score"], body["status"]) == (
        "agent",
        "qa_reviewer",
        75.0,
        "acknowledged",
    )
    assert (body["scorecard"], body["version_number"]) == (review.version.scorecard_id, 1)
    assert body["recording_url"] == RECORDING
    for user in (world.agent, world.supervisor):
        assert _api(user).get(f"{REVIEWS}{review.pk}/").json()["recording_url"] is None


def test_the_call_api_shows_the_recording_to_qa_and_to_an_integrator_granted_it(world):
    call = inbound_call(world.program_a, at=AT, agent=world.agent, talk=60, recording_url=RECORDING)
    url = f"/api/v1/calls/{call.pk}/"
    assert _api(world.qa_reviewer).get(url).json()["recording_url"] == RECORDING
    assert _api(world.integrator).get(url).json()["recording_url"] == ""
    assert _api(world.agent).get(url).json()["recording_url"] == ""
    world.integrator.user_permissions.add(Permission.objects.get(codename="view_call_recording"))
    integrator = type(world.integrator).objects.get(pk=world.integrator.pk)  # a fresh permission cache
    assert _api(integrator).get(url).json()["recording_url"] == RECORDING


def test_telephony_posts_the_recording_link_and_a_card_number_there_is_refused(world):
    api = _api(world.integrator)
    created = api.post(
        "/api/v1/calls/",
        {"external_id": "rec-1", "direction": "inbound", "program": world.program_a.pk, "recording_url": RECORDING},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert Call.objects.get(external_id="rec-1").recording_url == RECORDING
    refused = api.post(
        "/api/v1/calls/",
        {
            "external_id": "rec-2", "direction": "inbound", "program": world.program_a.pk,
            "recording_url": "https://rec.example.com/4111111111111111.mp3",
        },
        format="json",
    )  # fmt: skip
    assert refused.status_code == 400
    assert "recording_url" in refused.json()["details"]


def test_the_review_list_costs_the_same_queries_for_5_or_25_rows(world):
    _reviews(world, 25)
    counts = []
    for size in (5, 25):
        api = _api(type(world.supervisor).objects.get(pk=world.supervisor.pk))  # nothing cached on the user
        with CaptureQueriesContext(connection) as captured:
            response = api.get(REVIEWS, {"page_size": size})
        assert len(response.json()["results"]) == size
        counts.append(len(captured))
    assert counts[0] == counts[1]
    assert counts[1] <= 8


def test_scorecards_list_their_versions_newest_first(world):
    version = qa_scorecard(world.program_a)
    call = inbound_call(world.program_a, at=AT, agent=world.agent, talk=60)
    qa_review(call, score="90")  # version 1 is in use: the edit below makes version 2
    scorecard_edit(actor=world.knowledge_manager, scorecard=version.scorecard, criteria=CRITERIA[:2], note="Shorter")
    [body] = _api(world.qa_reviewer).get("/api/v1/qa/scorecards/").json()["results"]
    assert [v["number"] for v in body["versions"]] == [2, 1]
    assert [len(v["criteria"]) for v in body["versions"]] == [2, len(CRITERIA)]
    assert body["versions"][0]["note"] == "Shorter"
    assert _api(world.agent_b).get("/api/v1/qa/scorecards/").json()["results"] == []

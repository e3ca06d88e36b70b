"""Surveys over the API: IVR and SMS answers posted idempotently, lists scoped to the caller's programs."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from quality.models import Survey, SurveyResponse
from quality.tests.conftest import askable_customer, completed_call
from tickets.services.tickets import ticket_create

pytestmark = pytest.mark.django_db
URL = "/api/v1/surveys/responses/"


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_an_ivr_answer_is_recorded_once_and_a_retry_gets_the_same_answer(world):
    call = completed_call(world, askable_customer(world.program_a))  # no policy: IVR asked on its own
    api = _api(world.integrator)
    first = api.post(URL, {"call": call.pk, "score": 4, "channel": "ivr"}, format="json")
    assert first.status_code == 201
    body = first.json()
    assert (body["call"], body["ticket"], body["score"], body["channel"], body["agent"]) == (
        call.pk, None, 4, "ivr", world.agent.username,
    )  # fmt: skip
    retry = api.post(URL, {"call": call.pk, "score": 4, "channel": "ivr"}, format="json")
    assert (retry.status_code, retry.json()["id"]) == (200, body["id"])
    other = api.post(URL, {"call": call.pk, "score": 1, "channel": "ivr"}, format="json")
    assert other.status_code == 409
    assert SurveyResponse.objects.count() == 1
    assert Survey.objects.get(call=call).status == "answered"


def test_an_sms_answer_about_a_ticket(world):
    ticket = ticket_create(
        actor=world.agent, program=world.program_a, subject="Late delivery", customer=askable_customer(world.program_a)
    )
    answer = _api(world.integrator).post(URL, {"ticket": ticket.pk, "score": 5, "channel": "sms"}, format="json")
    assert answer.status_code == 201
    assert answer.json()["ticket"] == ticket.pk


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"score": 4, "channel": "ivr"}, "call"),  # neither call nor ticket
        ({"score": 6, "channel": "ivr", "call": "CALL"}, "score"),
        ({"score": 4, "channel": "fax", "call": "CALL"}, "channel"),
        ({"score": 4, "channel": "ivr", "call": "OTHER"}, "call"),  # another program's call does not exist
    ],
)
def test_bad_answers_are_400_naming_the_field(world, payload, field):
    own = completed_call(world, askable_customer(world.program_a))
    foreign = completed_call(world, askable_customer(world.program_b))
    payload = {k: {"CALL": own.pk, "OTHER": foreign.pk}.get(v, v) for k, v in payload.items()}
    answer = _api(world.integrator).post(URL, payload, format="json")
    assert answer.status_code == 400
    assert field in answer.json()["details"]
    assert not SurveyResponse.objects.exists()


def test_agents_cannot_answer_surveys_about_their_own_work(world):
    call = completed_call(world, askable_customer(world.program_a))
    answer = _api(world.agent).post(URL, {"call": call.pk, "score": 5, "channel": "ivr"}, format="json")
    assert answer.status_code == 403
    assert not SurveyResponse.objects.exists()


def test_lists_are_scoped_and_only_integrators_read_the_link(world, survey_policy):
    call = completed_call(world, askable_customer(world.program_a))
    [seen] = _api(world.integrator).get("/api/v1/surveys/").json()["results"]
    assert seen["call"] == call.pk
    assert seen["status"] == "pending"
    assert seen["link"].startswith("http://")
    assert "/survey/" in seen["link"]
    [by_agent] = _api(world.agent).get("/api/v1/surveys/").json()["results"]
    assert by_agent["link"] is None
    assert _api(world.agent_b).get("/api/v1/surveys/").json()["results"] == []
    _api(world.integrator).post(URL, {"call": call.pk, "score": 2, "channel": "ivr"}, format="json")
    [answer] = _api(world.supervisor).get(URL + "?score__lte=2").json()["results"]
    assert answer["score"] == 2
    assert _api(world.agent_b).get(URL).json()["results"] == []
    assert _api(world.integrator).get("/api/v1/surveys/").json()["results"][0]["score"] == 2


def test_an_sms_system_texts_the_link_of_an_owed_survey_and_the_customer_answers_on_the_page(
    world, survey_policy, client
):
    survey_policy.channel = "sms"
    survey_policy.save()
    call = completed_call(world, askable_customer(world.program_a))
    [owed] = _api(world.integrator).get("/api/v1/surveys/?status=pending&channel=sms").json()["results"]
    assert owed["call"] == call.pk
    assert owed["expires_at"] is not None
    path = "/" + owed["link"].split("/", 3)[3]
    assert client.get(path).status_code == 200
    assert client.post(path, {"score": "5"}).status_code == 302
    assert SurveyResponse.objects.get(survey_id=owed["id"]).score == 5


def test_the_lists_query_count_does_not_grow_with_the_page(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from quality.tests.factories import survey_answer

    api = _api(world.integrator)

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api.get(url).status_code == 200
        return len(captured.captured_queries)

    survey_answer(completed_call(world, askable_customer(world.program_a)), 4)
    api.get(URL)  # the caller's programs are read once, then kept with the user
    one = {url: queries(url) for url in ("/api/v1/surveys/", URL)}
    for score in (1, 2, 3, 5, 5, 4):
        survey_answer(completed_call(world, askable_customer(world.program_a)), score)
    assert {url: queries(url) for url in one} == one
    assert len(api.get(URL).json()["results"]) == 7


@pytest.mark.django_db(transaction=True)
def test_two_systems_posting_the_same_answer_at_once_store_it_once(world):
    import threading

    from django.db import connection

    from quality.services.surveys import survey_response_record

    calls = [completed_call(world, askable_customer(world.program_a)) for _ in range(5)]
    outcomes: list[object] = []

    def post(call, barrier) -> None:
        try:
            barrier.wait(5)
            outcomes.append(survey_response_record(actor=world.integrator, call=call, score=4, channel="ivr")[1])
        except Exception as exc:  # noqa: BLE001 - the outcome under test
            outcomes.append(exc)
        finally:
            connection.close()

    for call in calls:
        barrier = threading.Barrier(2)
        threads = [threading.Thread(target=post, args=(call, barrier)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(20)
    assert sorted(map(str, outcomes)) == ["False"] * 5 + ["True"] * 5  # one created, one found, per call
    assert SurveyResponse.objects.count() == 5

"""The customer's survey page: a signed, single-use, expiring link; no login; in the customer's language."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone, translation

import quality
from agents.models import Notification
from crm.services.erasure import customer_erase
from integrations.models import WebhookDelivery, WebhookSubscription
from quality.models import Survey, SurveyOptOut, SurveyResponse, SurveyStatus
from quality.services.surveys import BUILT_IN_LANGUAGES, survey_link, surveys_dispatch
from quality.tests.conftest import askable_customer, completed_call

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(world, survey_policy):
    """A survey about the agent's call, emailed to a Spanish-speaking customer; the link as the email has it."""
    customer = askable_customer(world.program_a, language="es")
    call = completed_call(world, customer)
    surveys_dispatch()
    survey = Survey.objects.get(call=call)
    assert survey.status == SurveyStatus.SENT
    [message] = mail.outbox
    path = survey_link(survey).split("://", 1)[1].split("/", 1)[1]
    assert f"/{path}?score=5" in message.body
    return survey, f"/{path}"


def test_the_page_asks_in_the_customers_language_without_login(client, sent):
    _survey, url = sent
    page = client.get(url + "?score=4")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<html lang="es">' in html
    assert "Su opinión" in html
    assert "¿Está contento con la ayuda de Acme?" in html
    assert "Cuéntenos más" in html
    assert 'value="4" id="id_score_1" required checked' in html  # the score clicked in the email is chosen
    assert "<script" not in html


def test_an_answer_is_stored_once_redacted_and_the_page_then_says_thanks(client, sent, world):
    survey, url = sent
    answer = client.post(url, {"score": "2", "comment": "Refund to card 4111 1111 1111 1111 never came"})
    assert answer.status_code == 302
    response = SurveyResponse.objects.get(survey=survey)
    assert (response.score, response.channel, response.agent, response.team) == (2, "web", world.agent, world.team_a)
    assert "4111 1111 1111 1111" not in response.comment
    assert "1111" in response.comment
    thanks = client.get(url)
    assert thanks.status_code == 200
    assert "¡Muchas gracias!" in thanks.content.decode()
    assert "no se guardó" not in thanks.content.decode()  # that line is for a second answer only
    again = client.post(url, {"score": "5"})
    assert again.status_code == 409
    assert "ya había sido respondida" in again.content.decode()
    assert SurveyResponse.objects.get(survey=survey).score == 2


def test_a_low_score_tells_the_agents_supervisor_once_with_a_link_to_the_call(client, sent, world):
    from agents.models import Membership, Role
    from agents.tests.factories import make_user

    # The agent also works in a Northwind team: that team's supervisor has no business with Acme's customer.
    Membership.objects.create(team=world.team_b, user=world.agent)
    make_user(Role.SUPERVISOR, team=world.team_b, supervisor=True, username="northwind_supervisor")
    survey, url = sent
    client.post(url, {"score": "1", "comment": "Nobody listened."})
    [notice] = Notification.objects.filter(kind="survey.low_score")
    assert notice.recipient == world.supervisor
    assert notice.url == f"/calls/{survey.call_id}/"
    assert "1/5" in notice.title
    assert notice.body == "Nobody listened."
    client.post(url, {"score": "1"})
    assert Notification.objects.filter(kind="survey.low_score").count() == 1


def test_a_good_score_tells_nobody(client, sent):
    _survey, url = sent
    client.post(url, {"score": "4"})
    assert not Notification.objects.filter(kind="survey.low_score").exists()


def test_a_missing_score_is_named_and_nothing_is_stored(client, sent):
    _survey, url = sent
    page = client.post(url, {"comment": "no score"})
    assert page.status_code == 400
    assert "Elija una puntuación." in page.content.decode()
    assert not SurveyResponse.objects.exists()


def test_expired_forged_and_erased_links_get_a_clear_page_and_change_nothing(client, sent, world):
    survey, url = sent
    tampered = url[:-2] + ("A" if url[-2] != "A" else "B") + "/"  # one character of the signature changed
    forged = client.post(tampered, {"score": "5"})
    assert forged.status_code == 404
    assert "no es válido" not in forged.content.decode()
    assert "This link is not valid" in forged.content.decode()
    Survey.objects.filter(pk=survey.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    expired = client.post(url, {"score": "5"})
    assert expired.status_code == 410
    assert "ha caducado" in expired.content.decode()
    Survey.objects.filter(pk=survey.pk).update(expires_at=timezone.now() + timedelta(days=1))
    customer_erase(customer=survey.customer, actor=world.admin)
    erased = client.post(url, {"score": "5"})
    assert erased.status_code == 410
    assert "ya no está disponible" in erased.content.decode()
    assert not SurveyResponse.objects.exists()


def test_the_customer_can_ask_not_to_be_surveyed_again(client, sent, world):
    survey, url = sent
    client.post(url, {"score": "3", "opt_out": "on"})
    assert SurveyOptOut.objects.filter(customer=survey.customer, source="web").exists()
    later = Survey.objects.get(call=completed_call(world, survey.customer))
    assert (later.status, later.reason) == (SurveyStatus.CANCELLED, "The customer asked not to be surveyed.")


def test_an_answer_is_a_survey_answered_webhook(client, sent, world, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    WebhookSubscription.objects.create(
        owner=world.integrator, url="http://127.0.0.1:9/hook", secret="s", events=["survey.answered"]
    )
    survey, url = sent
    client.post(url, {"score": "5"})
    [delivery] = WebhookDelivery.objects.filter(event="survey.answered")
    assert delivery.payload["data"] == {
        "survey_id": survey.pk, "response_id": survey.response.pk, "call_id": survey.call_id, "ticket_id": None,
        "score": 5, "channel": "web",
    }  # fmt: skip


def test_the_customer_page_shows_the_answers_and_the_opt_out(client, sent, world):
    survey, url = sent
    client.post(url, {"score": "2", "comment": "Too slow", "opt_out": "on"})
    client.force_login(world.agent)
    page = client.get(f"/customers/{survey.customer_id}/").content.decode()
    panel = page[page.index("Satisfaction surveys") :]
    assert 'aria-label="Score 2 of 5"' in panel
    assert "Too slow" in panel
    assert "Asked not to be surveyed." in panel
    history = client.get(f"/api/v1/customers/{survey.customer_id}/timeline/").json()
    [entry] = [e for e in history if e["kind"] == "survey"]
    assert (entry["title"], entry["summary"], entry["url"]) == (
        "Survey answered 2/5 about a call (Web page)", "Too slow", f"/calls/{survey.call_id}/",
    )  # fmt: skip
    client.force_login(world.agent_b)  # another program's agent: the customer is not there at all
    assert client.get(f"/customers/{survey.customer_id}/").status_code == 404


@pytest.mark.parametrize("language", sorted(BUILT_IN_LANGUAGES - {"en"}))
def test_every_built_in_word_has_its_translation(language):
    """The page and the email speak the customer's language whole: no message of the catalogue is left empty
    (run ``manage.py makemessages`` in quality/ after changing a text, then translate and compilemessages)."""
    catalogue = Path(quality.__file__).parent / "locale" / language / "LC_MESSAGES" / "django.po"
    entries = re.findall(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)', catalogue.read_text(), flags=re.MULTILINE)
    untranslated = [
        msgid for msgid, msgstr in entries if msgid.strip() != '""' and "".join(re.findall(r'"(.*)"', msgstr)) == ""
    ]
    assert len(entries) > 10
    assert untranslated == []
    with translation.override(language):
        assert translation.gettext("5 - Very satisfied") != "5 - Very satisfied"  # the compiled catalogue too

"""The customer's survey page in a real browser: no JavaScript, a phone-sized screen, the keyboard only."""

from __future__ import annotations

import pytest

from quality.models import SurveyResponse

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_customer_answers_by_keyboard_on_a_phone_without_javascript(browser, live_server, world):
    from quality.models import SurveyPolicy, SurveyStatus
    from quality.services.surveys import survey_link, surveys_dispatch
    from quality.tests.conftest import askable_customer, completed_call

    SurveyPolicy.objects.create(program=world.program_a, delay_minutes=0)
    call = completed_call(world, askable_customer(world.program_a, language="fr"))
    surveys_dispatch()
    survey = call.surveys.get()
    assert survey.status == SurveyStatus.SENT
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_server.url + "/" + survey_link(survey).split("/", 3)[3] + "?score=5")
    assert page.locator("h1").inner_text() == "Votre avis"
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.locator("input[name=score][value='5']").focus()
    page.keyboard.press("ArrowDown")  # radio group: 5 -> 4
    page.keyboard.press("Tab")
    page.keyboard.type("Rapide et aimable.")
    page.keyboard.press("Tab")  # the opt-out box, left unticked
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-survey-state=answered]")
    assert "Merci" in page.locator("[role=status]").inner_text()
    answer = SurveyResponse.objects.get(survey=survey)
    assert (answer.score, answer.comment, answer.channel) == (4, "Rapide et aimable.", "web")
    context.close()

"""A quality review in a real browser: the reviewer scores a sampled call by keyboard, the agent disputes it,
the agent's supervisor decides; each page passes axe-core on the way."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from agents.models import Notification
from e2e.conftest import login
from e2e.test_accessibility import AXE
from quality.models import Review, ReviewStatus
from quality.tests.factories import qa_scorecard
from reports.tests.factories import inbound_call

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _axe(page) -> list[str]:
    page.add_script_tag(url="/static/vendor/axe-core/axe.min.js")
    return page.evaluate(AXE)


def test_score_dispute_and_decide_a_sampled_call(page, new_page, world):
    qa_scorecard(world.program_a)
    call = inbound_call(
        world.program_a, at=datetime(2026, 11, 3, 15, 0, tzinfo=UTC), agent=world.agent, wait=5, talk=240, hold=20
    )
    sampled = Review.objects.create(
        program=world.program_a, call=call, agent=world.agent, attributed_at=call.started_at,
        status=ReviewStatus.QUEUED, sampled_because="random",
    )  # fmt: skip

    login(page, "qa_reviewer")
    page.click("nav.mainnav [data-nav=quality]")
    page.click(f"[data-start='{sampled.pk}']")
    page.wait_for_selector("form.review-form")
    assert _axe(page) == []
    # What the call's record says is filled in already and marked so.
    assert page.locator("text=from the call's record").count() == 3
    # Keyboard only: Space picks the first answer of each open criterion, arrows move to the one meant.
    for label, presses in [("Greeting", 0), ("Identity verified", 0), ("Resolution", 2), ("Script followed", 0)]:
        group = page.locator("fieldset.criterion", has_text=label).first
        group.locator("input[type=radio]").first.focus()
        page.keyboard.press("Space")
        for _ in range(presses):
            page.keyboard.press("ArrowRight")
    page.locator("#review-comment").fill("Good call; ask for the postcode first.")
    page.click("button[name=submit]")
    page.wait_for_selector("text=Submitted:")
    review = Review.objects.get(pk=sampled.pk)
    # Resolution: the first radio is 0, two arrows later 2 of 4. Auto: card data 1 (2), wrap-up 0 (1), holds 1
    # (1). Earned 1 + 3 + 2 + 2 + 0 + 1 + 1 = 10 of 13.
    assert (review.status, str(review.score)) == ("submitted", "76.92")

    agent = new_page()
    login(agent, "agent")
    agent.goto("/")
    agent.wait_for_selector("#notif-count [data-unread]")
    agent.goto(Notification.objects.get(recipient=world.agent, kind="qa_review").url)
    agent.wait_for_selector("[data-score]")
    assert agent.inner_text("[data-score]") == "76.92%"
    assert _axe(agent) == []
    agent.fill("#dispute-reason", "The caller had already verified in the IVR.")
    agent.click("button:text-is('Dispute')")
    agent.wait_for_selector("text=Dispute sent to your supervisor.")

    boss = new_page()
    login(boss, "supervisor")
    boss.goto("/qa/")
    boss.click(f"#disputes-title ~ table [data-review='{review.pk}'] a")
    boss.wait_for_selector("#decide-title")
    assert _axe(boss) == []
    boss.check("input[name=decision][value=amended]")
    boss.click("text=Correct the answers")
    boss.locator("fieldset.criterion", has_text="Resolution").locator("input[value='4']").check()
    boss.fill("#decision-note", "Resolved in full: the refund went through.")
    boss.click("button:text-is('Decide')")
    boss.wait_for_selector("text=Dispute decided")
    review.refresh_from_db()
    # Resolution 4 of 4 instead of 2: 12 of 13.
    assert (review.status, review.decision, str(review.score)) == ("final", "amended", "92.31")
    assert "Amended" in boss.inner_text("#dispute-title ~ p strong")

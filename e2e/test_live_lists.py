"""Live lists update in place without touching what the user is typing; failed htmx requests say so where
the user acted. In a real browser against a live server."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from agents.models import Role
from agents.tests.factories import make_user
from approvals.models import ApprovalRequest, AuthorityLimit
from approvals.services import approval_request
from crm.tests.factories import customer_with_phone
from e2e.conftest import login
from knowledge.models import Article
from knowledge.services.articles import article_archive, article_create, article_publish, article_submit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

COUNT_REFRESHES = """() => {
  window.refreshes = 0;
  document.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.elt.id === "approval-queue" && event.detail.successful) window.refreshes += 1;
  });
}"""


def wait_for_refreshes(page, count: int, timeout: float = 30.0) -> None:
    # Polled from here: the page's CSP (rightly) forbids the string evaluation wait_for_function uses.
    deadline = time.monotonic() + timeout
    while page.evaluate("() => window.refreshes") < count:
        assert time.monotonic() < deadline, f"the list refreshed fewer than {count} times in {timeout} s"
        page.wait_for_timeout(250)


def test_a_half_typed_rejection_reason_survives_two_refreshes_and_is_submitted(page, world):
    AuthorityLimit.objects.create(role=Role.AGENT, kind="refund", currency="USD", max_amount=Decimal(10))
    AuthorityLimit.objects.create(role=Role.SUPERVISOR, kind="refund", currency="USD", max_amount=Decimal(500))
    customer = customer_with_phone(world.program_a, name="Olivia Rossi")
    first = approval_request(
        actor=world.agent, kind="refund", reason="Late", customer=customer, amount=Decimal(40), currency="USD"
    )
    login(page, "supervisor")
    page.goto("/approvals/")
    page.evaluate(COUNT_REFRESHES)

    reason = page.locator(f"[data-key='approval-{first.pk}'] input[name=note]")
    reason.click()
    page.keyboard.type("Outside the refund window")
    # Meanwhile another request arrives: the refresh must show it without touching the row being typed in.
    second = approval_request(
        actor=world.agent, kind="refund", reason="Broken", customer=customer, amount=Decimal(60), currency="USD"
    )
    wait_for_refreshes(page, 2)

    page.wait_for_selector(f"[data-key='approval-{second.pk}']")
    assert reason.input_value() == "Outside the refund window"
    assert page.evaluate("document.activeElement.name") == "note"
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Rejected:")

    first.refresh_from_db()
    assert first.status == ApprovalRequest.Status.REJECTED
    assert first.decision_note == "Outside the refund window"
    assert page.locator(f"[data-key='approval-{first.pk}']").count() == 0
    assert page.locator(f"[data-key='approval-{second.pk}']").count() == 1


def test_a_refused_htmx_action_is_shown_beside_the_form(page, world):
    reviewer = make_user(Role.KNOWLEDGE_MANAGER, username="reviewer")
    article = article_create(actor=world.knowledge_manager, title="Oven repairs", body="Book an engineer.")
    article_submit(actor=world.knowledge_manager, article=article)
    article_publish(actor=reviewer, article=article)
    login(page, "agent")
    page.goto(f"/kb/{article.slug}/")

    article_archive(actor=world.knowledge_manager, article=Article.objects.get(pk=article.pk))
    page.click("[data-helpful]")

    error = page.locator("#kb-feedback .action-error, form + .action-error").first
    error.wait_for()
    assert "no longer there" in error.inner_text()
    assert error.get_attribute("role") == "alert"

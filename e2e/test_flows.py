"""The flows the issues name, in a real browser against a live server."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from agents.models import Notification, Role
from agents.tests.factories import TeamFactory, make_user
from approvals.models import AuthorityLimit
from crm.models import Call
from crm.tests.factories import customer_with_phone
from e2e.conftest import login
from knowledge.models import Article
from tickets.models import FollowUp, Ticket
from tickets.services.follow_ups import follow_ups_deliver_due

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_agent_finds_caller_by_other_format_and_logs_a_call_with_a_card_number(page, world):
    customer = customer_with_phone(world.program_a, "+14155550100", name="Maria Garcia")
    login(page, "agent")
    page.fill("[data-search-box]", "415.555.0100")
    page.wait_for_selector(f"#search-results [data-customer='{customer.pk}']")
    page.click(f"#search-results [data-customer='{customer.pk}'] a")
    page.wait_for_selector("[data-customer-name]")
    assert page.inner_text("[data-customer-name]") == "Maria Garcia"
    page.click("[data-start-call]")
    page.wait_for_selector("#call-bar #call-notes")
    page.fill("#call-notes", "Paid with card 4111 1111 1111 1111 exp 12/27")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("text=Call logged.")  # the page stays; its history shows the call
    page.wait_for_selector("ol.timeline :text('**** **** **** 1111')")
    assert re.search(rf"/customers/{customer.pk}/$", page.url)
    history = page.inner_text("ol.timeline")
    assert "4111 1111 1111 1111" not in history
    assert "**** **** **** 1111" in history
    assert "4111" not in Call.objects.get(customer=customer).notes


def test_ticket_from_call_transfer_to_billing_and_follow_up_notification(page, new_page, world):
    billing = TeamFactory(name="Billing", slug="billing", programs=[world.program_a])
    make_user(Role.AGENT, team=billing, username="billing_agent")
    customer = customer_with_phone(world.program_a, name="Chen Wang")
    call = Call.objects.create(
        program=world.program_a, customer=customer, agent=world.agent, direction="inbound",
        started_at=timezone.now(), notes="Charged twice for the May invoice",
    )  # fmt: skip
    login(page, "agent")
    page.goto(f"/calls/{call.pk}/")
    page.click("[data-ticket-from-call] button")
    page.wait_for_selector("[data-transfer]")
    ticket = Ticket.objects.get(customer=customer)
    page.select_option("[data-transfer] select", str(billing.pk))
    page.fill("[data-transfer] textarea", "Duplicate charge, needs a refund decision")
    page.click("[data-transfer] button")
    page.wait_for_selector("[data-team]:has-text('Billing')")
    # A follow-up one minute ahead, in the customer's time zone.
    due = timezone.localtime(timezone.now() + timedelta(minutes=1), timezone=customer_zone(customer))
    page.fill("input[name=due_at]", due.strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=note]", "Confirm the refund went through")
    page.click("text=Schedule callback")
    page.wait_for_selector("text=Follow-up scheduled")

    billing_page = new_page()
    login(billing_page, "billing_agent")
    billing_page.goto(f"/tickets/?team={billing.pk}")
    assert billing_page.locator(f"[data-ticket='{ticket.number}']").count() == 1

    # The minute passes (moved, not waited); the beat's job delivers the reminder.
    FollowUp.objects.filter(ticket=ticket).update(due_at=timezone.now() - timedelta(seconds=1))
    assert follow_ups_deliver_due() == 1
    page.goto("/")
    page.wait_for_selector("#notif-count [data-unread='1']")
    page.click("#notif-count")
    assert "Call back due" in page.inner_text(".notifications")


def customer_zone(customer):
    import zoneinfo

    return zoneinfo.ZoneInfo(customer.time_zone)


def test_refund_over_limit_appears_in_queue_without_reload_and_agent_is_told(page, new_page, world):
    AuthorityLimit.objects.create(role=Role.AGENT, kind="refund", currency="USD", max_amount=Decimal(50))
    AuthorityLimit.objects.create(role=Role.SUPERVISOR, kind="refund", currency="USD", max_amount=Decimal(500))
    customer = customer_with_phone(world.program_a, name="Olivia Rossi")
    supervisor_page = new_page()
    login(supervisor_page, "supervisor")
    supervisor_page.goto("/approvals/")
    assert supervisor_page.locator("[data-approval]").count() == 0

    login(page, "agent")
    page.goto(f"/approvals/new/?customer={customer.pk}")
    page.select_option("#kind", "refund")
    page.fill("#amount", "120")
    page.fill("#reason", "Cake delivered a day late")
    page.click("text=Send")
    page.wait_for_selector("text=Sent for approval")

    supervisor_page.wait_for_selector("[data-approve]", timeout=15_000)  # the queue polls by itself
    supervisor_page.click("[data-approve]")
    supervisor_page.wait_for_selector("text=Approved:")

    assert Notification.objects.filter(recipient=world.agent, kind="approval.decided").exists()
    page.goto("/")
    page.wait_for_selector("#notif-count [data-unread]")
    page.click("#notif-count")
    assert "approved by supervisor" in page.inner_text(".notifications")


def test_article_written_reviewed_published_and_found_with_a_typo(page, new_page, world):
    reviewer = make_user(Role.KNOWLEDGE_MANAGER, username="reviewer")
    reviewer.programs.add(world.program_a)
    login(page, "knowledge_manager")
    page.goto("/kb/new/")
    page.fill("#title", "Refund policy")
    page.fill("#summary", "When and how much we refund")
    page.fill("#body", "Customers get a **full refund** within 30 days.")
    page.click("text=Save draft")
    page.click("text=Submit for review")
    page.wait_for_selector("text=Sent for review")

    review = new_page()
    login(review, "reviewer")
    review.goto("/kb/refund-policy/")
    review.click("[data-publish]")
    review.wait_for_selector("text=Published version 1")
    assert Article.objects.get(slug="refund-policy").status == "published"

    from tickets.services.tickets import ticket_create

    ticket = ticket_create(actor=world.agent, program=world.program_a, subject="Wants money back")
    agent = new_page()
    login(agent, "agent")
    agent.goto(f"/tickets/{ticket.pk}/")
    agent.click("text=Search the knowledge base")
    agent.fill("[data-search-box]", "refnud polcy")
    agent.wait_for_selector("[data-article='refund-policy']")
    agent.click("[data-article='refund-policy'] a")
    agent.click("[data-helpful]")
    agent.wait_for_selector("[data-feedback-thanks]")
    assert Article.objects.get(slug="refund-policy").feedback.get().helpful is True
    # Opened from the ticket, the article links back to it in one action, and the agent is back on the ticket.
    agent.click("[data-link-back]")
    agent.wait_for_url(f"**/tickets/{ticket.pk}/")
    assert ticket.number in agent.locator("h1").inner_text()
    assert Article.objects.get(slug="refund-policy").uses.filter(ticket=ticket).exists()


def test_an_agent_inserts_a_canned_reply_by_keyboard_and_sends_it(page, world):
    from crm.models import CannedText
    from tickets.services.tickets import ticket_create

    customer = customer_with_phone(world.program_a, name="Maria Garcia")
    ticket = ticket_create(actor=world.agent, program=world.program_a, subject="Late cake", customer=customer)
    CannedText.objects.create(program=world.program_a, title="Greeting", body="Hello {customer_first_name},")
    CannedText.objects.create(
        program=world.program_a, title="Refund on its way", body="your refund for {ticket_number} is on its way."
    )
    login(page, "agent")
    page.goto(f"/tickets/{ticket.pk}/")
    page.focus("#comment-body")
    page.keyboard.type("Hi. ")
    page.keyboard.press("Alt+Slash")  # opens the box's templates, the filter focused
    page.wait_for_selector("[data-canned-filter]")
    page.focus("[data-canned-filter]")
    page.keyboard.type("refund")
    page.keyboard.press("Enter")
    assert page.input_value("#comment-body") == f"Hi. your refund for {ticket.number} is on its way."
    assert page.evaluate("document.activeElement.id") == "comment-body"  # back where the agent types
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(f"text=your refund for {ticket.number} is on its way.")
    assert ticket.comments.get().body == f"Hi. your refund for {ticket.number} is on its way."

"""The live call in a real browser: telephony rings, every open tab of the agent pops the caller, the
call bar follows the agent across pages, and a whole inbound call is logged from the keyboard."""

from __future__ import annotations

import pytest

from agents.models import AgentStateSpan, BreakReason
from crm.models import Call, WrapUpCode
from crm.tests.factories import customer_with_phone
from e2e.conftest import login
from integrations.services.tokens import token_create

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
# How long a tab may take to show what was pushed to it (ms). Nothing on these pages polls for the call bar,
# so only a push can show it.
PUSHED = 5000


def _telephony(live_server, world):
    """Telephony's client: real HTTP requests to the live server with an integrator token."""
    import json
    import urllib.request

    _, token = token_create(user=world.integrator, name="pbx")

    def call(path, body, method="POST"):
        request = urllib.request.Request(  # noqa: S310 - the live server on loopback
            f"{live_server.url}/api/v1/{path}",
            data=json.dumps(body).encode(),
            method=method,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return json.loads(response.read())

    def post(**body):
        return call("calls/events/", body)

    post.call = call  # type: ignore[attr-defined]
    return post


def _connected(page):
    page.wait_for_selector("body[data-push='connected']")


def test_a_ring_pops_the_caller_on_every_tab_of_the_agent(page, new_page, live_server, push_server, world):
    customer = customer_with_phone(world.program_a, "+14155550100", name="Maria Garcia")
    login(page, "agent")
    other_tab = page.context.new_page()
    page.goto(f"/customers/{customer.pk}/")
    other_tab.goto("/tickets/")
    bystander = new_page()  # another agent's screen must stay quiet
    login(bystander, "supervisor")
    for tab in (page, other_tab, bystander):
        _connected(tab)
    ring = _telephony(live_server, world)
    ring(external_id="pbx-1", event="ring", at="2026-03-02T09:00:00Z", agent="agent", phone_number="415-555-0100")
    # Pushed, without reload. How fast (p95 <= 1 s) is bench/screen_pop_push.py's to measure, over 100 rings:
    # one ring timed here, with the whole suite loading both cores, failed on 1.2 s.
    for tab in (page, other_tab):
        tab.wait_for_selector("#call-bar [data-caller-name]:has-text('Maria Garcia')", timeout=PUSHED)
    assert bystander.locator("#call-bar.is-live").count() == 0
    # The pop is announced to screen readers, not only drawn.
    page.wait_for_selector("[data-announcer]:has-text('Maria Garcia')", state="attached")

    # Missed; then a number nobody has: the agent is offered to create the customer.
    ring(external_id="pbx-1", event="end", at="2026-03-02T09:00:20Z")
    page.wait_for_selector("#call-bar.is-live", state="detached", timeout=2000)
    ring(external_id="pbx-2", event="ring", at="2026-03-02T09:01:00Z", agent="agent", phone_number="+14155559999")
    page.wait_for_selector("#call-bar [data-caller-unknown]:has-text('+14155559999')", timeout=PUSHED)
    assert page.locator("#call-bar a:has-text('Create customer')").count() == 1


def test_an_inbound_call_logged_with_six_keystrokes_and_nothing_typed_is_lost(page, live_server, push_server, world):
    customer = customer_with_phone(world.program_a, "+14155550100", name="Maria Garcia")
    WrapUpCode.objects.create(program=world.program_a, code="billing-question", label="Billing question", position=1)
    WrapUpCode.objects.create(program=world.program_a, code="complaint", label="Complaint", position=2)
    login(page, "agent")
    page.goto("/")
    _connected(page)
    _telephony(live_server, world)(
        external_id="pbx-7", event="ring", at="2026-03-02T09:00:00Z", agent="agent", phone_number="4155550100"
    )
    page.wait_for_selector("[data-call-action='answer']:focus")  # the pop puts focus on Answer

    keystrokes = 0

    def press(key):
        nonlocal keystrokes
        keystrokes += 1
        page.keyboard.press(key)

    press("Enter")  # answer
    page.wait_for_selector("#call-notes:focus")
    page.keyboard.type("Asked about the March invoice")  # the note text does not count
    # A reload mid-call (or a crashed tab) loses nothing: the call bar and the notes come back.
    page.reload()
    page.wait_for_selector("#call-bar.state-connected")
    assert page.input_value("#call-notes") == "Asked about the March invoice"
    page.wait_for_selector("#call-notes:focus")  # back where the agent was typing
    press("Tab")  # to the wrap-up code
    press("ArrowDown")  # "Billing question"
    press("Control+Enter")  # done
    page.wait_for_selector("text=Call logged.")
    assert keystrokes <= 6, keystrokes
    call = Call.objects.get(external_id="pbx-7")
    assert call.state == "completed"
    assert call.customer == customer
    assert call.wrap_up_code.code == "billing-question"
    assert call.notes == "Asked about the March invoice"
    assert AgentStateSpan.objects.get(user=world.agent, ended_at__isnull=True).state == "available"
    # The call is gone from the screen, and focus is back on finding the next caller.
    page.wait_for_selector("[data-search-box]:focus")


def test_the_call_bar_survives_navigation_and_the_agent_state_menu_follows(page, live_server, push_server, world):
    BreakReason.objects.create(program=world.program_a, code="lunch", label="Lunch")
    customer = customer_with_phone(world.program_a, name="Chen Wang")
    login(page, "agent")
    page.goto(f"/customers/{customer.pk}/")
    _connected(page)
    page.click("[data-start-call]")
    page.wait_for_selector("#call-bar.state-connected")
    page.fill("#call-notes", "Wants a callback next week")
    page.click("[data-call-action='hold']")
    page.wait_for_selector("#call-bar.state-on_hold")
    page.goto("/tickets/")  # navigate during the call
    page.wait_for_selector("#call-bar.state-on_hold [data-caller-name]:has-text('Chen Wang')")
    assert page.input_value("#call-notes") == "Wants a callback next week"
    assert page.locator("#agent-state-select").input_value() == "on_call"
    # The script, suggested articles and the ticket form open beside the call, without leaving it.
    page.click(".call-side summary")
    page.wait_for_selector(".call-side-body [data-panel='call_ticket']")
    assert "/tickets/" in page.url
    page.click("[data-call-action='resume']")
    page.wait_for_selector("#call-bar.state-connected")
    page.click("[data-call-action='end']")
    page.wait_for_selector("#call-bar.state-wrap_up #call-notes:focus")  # focus goes where work continues
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#call-bar.is-live", state="detached")
    page.wait_for_selector("#agent-state[data-agent-state='available']")  # pushed: the menu follows the call
    page.select_option("#agent-state-select", "break:lunch")
    page.wait_for_selector("#agent-state[data-agent-state='break']")
    assert AgentStateSpan.objects.get(user=world.agent, ended_at__isnull=True).reason.code == "lunch"
    # Telephony sets the agent available from outside: the menu follows without a reload.
    _telephony(live_server, world).call("agents/agent/state/", {"state": "available"}, method="PUT")
    page.wait_for_selector("#agent-state[data-agent-state='available']", timeout=2000)


def test_a_decision_reaches_the_agent_and_the_supervisor_watches_the_floor(
    page, new_page, live_server, push_server, world
):
    from decimal import Decimal

    from approvals.models import AuthorityLimit
    from approvals.services import approval_request

    AuthorityLimit.objects.create(role="supervisor", kind="refund", currency="USD", max_amount=Decimal(500))
    customer = customer_with_phone(world.program_a, name="Ada Byron")
    request = approval_request(
        actor=world.agent, kind="refund", amount=Decimal(80), currency="USD", reason="Late", customer=customer
    )
    login(page, "agent")
    page.goto(f"/customers/{customer.pk}/")
    _connected(page)
    supervisor = new_page()
    login(supervisor, "supervisor")
    supervisor.goto("/approvals/")
    _connected(supervisor)
    supervisor.wait_for_selector("[data-floor-agent='agent'][data-state='offline']")
    # The agent goes available: the supervisor's floor view follows without a reload.
    page.select_option("#agent-state-select", "available")
    supervisor.wait_for_selector("[data-floor-agent='agent'][data-state='available']", timeout=3000)
    # The supervisor approves: the agent's open page says so at once, and counts it in the badge.
    supervisor.click(f"[data-approve='{request.pk}']")
    page.wait_for_selector(".messages :text('approved by supervisor')", timeout=3000)
    page.wait_for_selector("#notif-count [data-unread='1']")
    page.wait_for_selector("[data-announcer]:has-text('approved by supervisor')", state="attached")


def test_finding_the_caller_from_the_keyboard(page, live_server, world):
    maria = customer_with_phone(world.program_a, "+14155550100", name="Maria Garcia")
    customer_with_phone(world.program_a, "+14155550111", name="Mario Garcia")
    customer_with_phone(world.program_a, "+14155550122", name="Marta Garcia")
    login(page, "agent")
    page.goto("/")
    page.wait_for_selector("[data-search-box]:focus")
    # One match: Enter opens the customer, not a list of one.
    page.keyboard.type("415 555 0100")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-customer-name]:has-text('Maria Garcia')")
    page.wait_for_load_state("load")  # the page's script is there to hear "/"
    # Several: ArrowDown enters the results, arrows move, Enter opens.
    page.keyboard.press("/")
    page.keyboard.type("Garcia")
    page.wait_for_selector("#search-results-list li[data-customer] >> nth=2")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("() => document.activeElement.closest('li').dataset.customer")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/customers/{focused}/")
    # After saving a note, focus is back in the note box, not lost on the page.
    page.goto(f"/customers/{maria.pk}/")
    page.fill("#add-note textarea", "Prefers email")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("text=Note added.")
    page.wait_for_selector("#add-note textarea:focus")

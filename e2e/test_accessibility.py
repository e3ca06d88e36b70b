"""Every page, for every role, passes axe-core, fits a 390 px screen (invariant 14) and loads cleanly: no
console error, no failed request (the favicon's included), no script included twice.

The pages come from the URL resolver, so a new page is checked without anyone adding it here; a route
whose parameters this file cannot fill fails the test until it learns how. axe-core is vendored and
served by the app itself (static/vendor/axe-core), never from a CDN.

Screenshots of each role's main pages (those in its menu) at 1440 and 390 px are written to
``e2e/artifacts/screens/<role>/`` for a reviewer to look at.
"""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver

from e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROLES = ["agent", "billing_agent", "supervisor", "manager", "knowledge_manager", "qa_reviewer", "admin", "agent_b"]
DEMO_PASSWORD = "switchboard-demo"
# Not pages: the API, the admin (Django's own), downloads, health checks, and htmx fragments.
SKIP = re.compile(
    r"^(api/|admin/|healthz|readyz|accounts/logout|data-requests/|calls/live/|me/state/|floor/"
    r"|notifications/badge/|customers/<int:pk>/timeline/|calls/<int:pk>/side/|customers/lookup/)"
)


def _page_routes() -> list[str]:
    routes: list[str] = []

    def walk(patterns: list[Any], prefix: str = "") -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                route = prefix + str(entry.pattern)
                if not SKIP.match(route) and not route.endswith("/(?P<format>[a-z0-9]+)/?$"):
                    routes.append(route)

    walk(get_resolver().url_patterns)
    return sorted(set(routes))


def _fill(route: str, objects: dict[str, str]) -> tuple[str, bool]:
    """The route with its parameters filled from demo records, and whether every parameter was known.
    Unknown ones get placeholders: fine for POST-only actions (405), a failure for a page (see below)."""
    for pattern, value in objects.items():
        if route.startswith(pattern):
            route = route.replace(pattern, value, 1)
            break
    known = "<" not in route
    route = re.sub(r"<int:[^>]+>", "1", route)
    return "/" + re.sub(r"<[^>]+>", "x", route), known


SCREENS = Path(__file__).parent / "artifacts" / "screens"
DUPLICATE_SCRIPTS = """() => {
  const sources = Array.from(document.scripts).map(s => s.src).filter(Boolean);
  return sources.filter((src, i) => sources.indexOf(src) !== i);
}"""


def _watch(page: Any, problems: list[str]) -> None:
    """Console errors, uncaught exceptions and failed requests of whatever the page loads, as they happen.
    A page a role may not open answers 403/404 by design: only the main document is allowed that."""

    def on_console(message: Any) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(f"console error: {message.text}")

    def on_response(response: Any) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            problems.append(f"{response.status} for {response.request.resource_type} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
    page.on("response", on_response)

    def on_failed(request: Any) -> None:
        if request.failure != "net::ERR_ABORTED":  # leaving a page cancels what it still had in flight
            problems.append(f"request failed: {request.url} {request.failure}")

    page.on("requestfailed", on_failed)


def _screenshot(page: Any, username: str, url: str) -> None:
    name = url.strip("/").replace("/", "-") or "home"
    folder = SCREENS / username
    folder.mkdir(parents=True, exist_ok=True)
    for width, height in ((1440, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1400, "height": 900})


AXE = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations.map(v =>
    `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", ")}`);
}"""


def test_every_page_for_every_role_passes_axe_fits_390_px_and_loads_cleanly(browser, live_server, push_server):
    call_command("seed_demo", "--force", stdout=StringIO())
    from agents.models import User
    from crm.models import Call, Customer
    from knowledge.models import Article
    from tickets.models import Ticket

    customer = Customer.objects.filter(program__slug="acme-bakery", erased_at=None).order_by("id").first()
    ticket = Ticket.objects.filter(program__slug="acme-bakery").order_by("id").first()
    call = Call.objects.filter(program__slug="acme-bakery", state="completed").order_by("id").first()
    article = Article.objects.filter(status="published").order_by("id").first()
    agent = User.objects.get(username="agent")
    from django.utils import timezone

    from outbound.models import Campaign
    from quality.models import CalibrationSession, Review, Scorecard, Survey
    from quality.services.surveys import survey_link

    survey = Survey.objects.filter(status="sent", expires_at__gt=timezone.now()).order_by("id").first()
    assert survey is not None  # the demo's surveys sent this week still take an answer
    assert customer is not None
    assert ticket is not None
    assert call is not None
    assert article is not None
    # A review the agent still has to answer (its supervisor, managers and QA read it too); the demo's session.
    review = Review.objects.filter(status="submitted", agent=agent, calibration=None).order_by("id").first()
    scorecard = Scorecard.objects.filter(program__slug="acme-bakery").first()
    session = CalibrationSession.objects.order_by("id").first()
    assert review is not None
    campaign = Campaign.objects.filter(program__slug="acme-bakery", status="running").first()
    assert campaign is not None
    assert scorecard is not None
    assert session is not None
    # Static part of the route -> the value; what stays after it (edit/, versions/...) stays.
    objects = {
        "customers/<int:pk>/": f"customers/{customer.pk}/",
        "tickets/<int:pk>/": f"tickets/{ticket.pk}/",
        "calls/<int:pk>/": f"calls/{call.pk}/",
        "kb/<slug:slug>/": f"kb/{article.slug}/",
        "dashboard/agents/<int:pk>/": f"dashboard/agents/{agent.pk}/",
        "qa/reviews/<int:pk>/": f"qa/reviews/{review.pk}/",
        "campaigns/<int:pk>/": f"campaigns/{campaign.pk}/",
        "qa/scorecards/<int:pk>/": f"qa/scorecards/{scorecard.pk}/",
        "qa/calibration/<int:pk>/": f"qa/calibration/{session.pk}/",
        # The customer's survey page (no login needed; signed in, it is the same page).
        "survey/<str:token>/": survey_link(survey).split("/", 3)[3],
    }
    urls = [_fill(route, objects) for route in _page_routes()]
    failures: list[str] = []
    checked = 0
    for username in ROLES:
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1400, "height": 900})
        context.set_default_timeout(15_000)
        page = context.new_page()
        problems: list[str] = []
        _watch(page, problems)
        login(page, username, DEMO_PASSWORD)
        main_pages = set(page.locator("nav.mainnav a").evaluate_all("links => links.map(a => a.pathname)"))
        for url, known in urls:
            probe = context.request.get(url, max_redirects=0)  # the same session, without a page
            if probe.status == 405 or "text/html" not in probe.headers.get("content-type", ""):
                continue  # a POST-only action or a download, not a page
            response = page.goto(url)
            if response is None or not page.evaluate("() => document.doctype !== null"):
                continue  # an htmx fragment
            if not known and response.status == 200:
                failures.append(f"teach e2e/test_accessibility.py the parameters of {url}")
            page.wait_for_load_state("networkidle")  # what loads by itself (panels, the floor) loads cleanly too
            failures += [f"{username} {url}: {problem}" for problem in problems]
            problems.clear()
            failures += [f"{username} {url}: script included twice: {src}" for src in page.evaluate(DUPLICATE_SCRIPTS)]
            if url in main_pages:
                _screenshot(page, username, url)
            page.add_script_tag(url="/static/vendor/axe-core/axe.min.js")
            for violation in page.evaluate(AXE):
                failures.append(f"{username} {url}: {violation}")
            page.set_viewport_size({"width": 390, "height": 844})
            wide = page.evaluate("() => document.documentElement.scrollWidth")
            if wide > 390:
                failures.append(f"{username} {url}: {wide} px wide at 390 px")
            page.set_viewport_size({"width": 1400, "height": 900})
            checked += 1
        # The shortcut list ("?") is part of every page too.
        page.goto("/")
        if page.locator("#call-notes").count():
            page.click("[data-shortcuts-open]")  # "?" would go into the call's notes, where focus is
        else:
            page.keyboard.press("?")
        page.wait_for_selector("dialog#shortcuts[open]")
        page.add_script_tag(url="/static/vendor/axe-core/axe.min.js")
        failures += [f"{username} / with the shortcuts open: {v}" for v in page.evaluate(AXE)]
        context.close()
    assert checked >= 60, f"only {checked} pages were checked"
    assert failures == [], f"{len(failures)} problems:\n" + "\n".join(failures[:80])

"""Hostile input on every API write and every web form (issue 14): never a 5xx, nothing half-saved.

The API operations come from the committed OpenAPI document, so a new write endpoint is covered
by itself. The web forms are found by reading the pages people use and every ``<form method=post>``
on them. Each field gets each hostile value in turn.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from agents.services import notification_send
from approvals.models import AuthorityLimit
from approvals.services import approval_request
from crm.services.live_calls import call_answer
from crm.tests.factories import CallFactory, customer_with_phone
from knowledge.services.articles import article_create
from outbound.services import ContactRow, campaign_create, campaign_import_contacts, campaign_set_status
from quality.models import Review
from quality.tests.factories import qa_scorecard
from tickets.services.follow_ups import follow_up_schedule
from tickets.services.tickets import ticket_create

pytestmark = pytest.mark.django_db

SCHEMA = Path(settings.BASE_DIR) / "docs" / "openapi.yaml"


def _nested(depth: int) -> Any:
    value: Any = "deep"
    for _ in range(depth):
        value = {"a": [value]}
    return value


HOSTILE: list[Any] = [
    "x" * 100_000,
    "\x00",
    "NaN",
    "1e309",
    "-1",
    "1e12",
    1e308,
    10**30,
    -0.0,
    [],
    {},
    _nested(60),
    None,
    True,
    "",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "\u202eevil\u202c",
    "2026-02-30T25:61:00",
    "9999-12-31T23:59:59+15:59",
    "4111 1111 1111 1111",
]
HOSTILE_TEXT = [value for value in HOSTILE if isinstance(value, str)]


# Logs of what was asked (an API read of a customer is in the access log even when the write is refused).
NOT_COUNTED = {"agents.AuditEvent", "integrations.IdempotencyRecord", "agents.Notification", "crm.CustomerAccess"}


def _row_counts() -> dict[str, int]:
    """Every project table's row count, in one statement (it runs twice for each of thousands of requests)."""
    models = [
        model
        for app in settings.PROJECT_APPS
        for model in apps.get_app_config(app).get_models()
        if model._meta.label not in NOT_COUNTED
    ]
    counts = ", ".join(f'(SELECT count(*) FROM "{model._meta.db_table}")' for model in models)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        row = cursor.fetchone()
    return {model._meta.label: count for model, count in zip(models, row, strict=True)}


@pytest.fixture
def records(world):
    AuthorityLimit.objects.create(role="agent", kind="refund", currency="USD", max_amount=Decimal(10))
    customer = customer_with_phone(world.program_a)
    ticket = ticket_create(actor=world.agent, subject="Oven", customer=customer)
    return {
        "customers": customer,
        "tickets": ticket,
        "calls": CallFactory(customer=customer),
        "follow-ups": follow_up_schedule(
            actor=world.agent, ticket=ticket, due_at=timezone.now() + timezone.timedelta(hours=1)
        ),
        "approvals": approval_request(
            actor=world.agent, kind="refund", amount=Decimal(50), currency="USD", reason="Late", customer=customer
        ),
        "campaigns": _running_campaign(world, customer),
        "articles": article_create(actor=world.knowledge_manager, title="Refunds", body="In full."),
        "notifications": notification_send(recipient=world.admin, kind="test", title="Hello")[0],
    }


def _running_campaign(world: Any, customer: Any) -> Any:
    campaign = campaign_create(actor=world.supervisor, program=world.program_a, name="Renewals")
    rows = [ContactRow(line=2, name=customer.name, phone=customer.phones.first().number)]
    campaign_import_contacts(actor=world.supervisor, campaign=campaign, rows=rows)
    return campaign_set_status(actor=world.supervisor, campaign=campaign, status="running")


def _operations() -> list[tuple[str, str, list[str]]]:
    schema = yaml.safe_load(SCHEMA.read_text())
    components = schema["components"]["schemas"]
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method not in {"post", "put", "patch"}:
                continue
            content = (operation.get("requestBody") or {}).get("content", {}).get("application/json", {})
            ref = (content.get("schema") or {}).get("$ref", "")
            properties = components.get(ref.rsplit("/", 1)[-1], {}).get("properties", {}) if ref else {}
            found.append((method, path, sorted(properties)))
    return found


def test_every_api_write_survives_hostile_values(world, records):
    api = APIClient()
    api.force_authenticate(world.admin)  # may do everything: refusals are about the input, not the role
    failures = []
    for method, path, properties in _operations():
        resource = path.split("/")[3]
        url = path.replace("{id}", str(records[resource].pk)) if "{id}" in path else path
        bodies = [{name: value} for name in properties for value in HOSTILE] + [_nested(60), [1, 2], "text"]
        cache.clear()  # the rate limit would otherwise answer 429 before the input is even read
        for body in bodies:
            before = _row_counts()
            response = getattr(api, method)(url, body, format="json")
            if response.status_code >= 500 or response.status_code == 429:
                failures.append(f"{method.upper()} {url} {str(body)[:80]!r} -> {response.status_code}")
            elif response.status_code >= 400 and _row_counts() != before:
                failures.append(f"{method.upper()} {url} {str(body)[:80]!r} -> {response.status_code}, rows written")
            elif response.status_code == 400 and (named := _unknown_fields(response, properties)):
                # An error names the fields of the request it answers, never a model's or a service's own name.
                failures.append(f"{method.upper()} {url} -> 400 naming {named}, not one of {properties}")
    assert failures == [], "\n".join(dict.fromkeys(failures))


def _unknown_fields(response: Any, properties: list[str]) -> list[str]:
    details = response.json().get("details") if response["Content-Type"].startswith("application/json") else None
    return sorted(set(details or {}) - {*properties, "non_field_errors"}) if isinstance(details, dict) else []


FORM = re.compile(r"<form\b[^>]*method=\"post\"[^>]*>(.*?)</form>", re.IGNORECASE | re.DOTALL)
ACTION = re.compile(r'action="([^"]*)"')
FIELD = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"', re.IGNORECASE)


def _forms(client: Client, page: str) -> list[tuple[str, list[str]]]:
    html = client.get(page).content.decode()
    forms = []
    for match in FORM.finditer(html):
        tag = html[match.start() : match.start() + html[match.start() :].index(">") + 1]
        action = ACTION.search(tag)
        names = sorted(set(FIELD.findall(match.group(1))) - {"csrfmiddlewaretoken"})
        forms.append(((action.group(1) if action and action.group(1) else page).replace("&amp;", "&"), names))
    return forms


def test_every_web_form_survives_hostile_values(world, records):
    customer, ticket = records["customers"], records["tickets"]
    article = article_create(actor=world.knowledge_manager, title="Refunds", body="Body")
    # A live call puts the call bar (actions, notes, wrap-up, caller pick) on every page of the agent.
    call_answer(actor=world.agent, customer=customer, direction="inbound")
    campaign, program = records["campaigns"], world.program_a.pk
    scorecard = qa_scorecard(world.program_a).scorecard
    scored = CallFactory(customer=customer, agent=world.agent, answered_at=timezone.now())
    review = Review.objects.create(
        program=world.program_a, call=scored, agent=world.agent, attributed_at=scored.started_at, status="queued"
    )
    Review.objects.filter(pk=review.pk).update(
        status="draft", reviewer=world.qa_reviewer, version=scorecard.versions.get()
    )
    pages = {
        world.agent: [
            "/", "/customers/new/", f"/customers/{customer.pk}/", f"/customers/{customer.pk}/edit/",
            f"/tickets/new/?customer={customer.pk}", f"/tickets/{ticket.pk}/", f"/calls/{records['calls'].pk}/",
            f"/approvals/new/?customer={customer.pk}",
        ],
        world.supervisor: [
            "/approvals/", f"/tickets/{ticket.pk}/", "/campaigns/new/", f"/campaigns/{campaign.pk}/",
        ],
        world.knowledge_manager: [
            "/kb/new/", f"/kb/{article.slug}/", f"/kb/{article.slug}/edit/", f"/qa/scorecards/new/?program={program}",
            f"/qa/scorecards/{scorecard.pk}/",
        ],
        world.qa_reviewer: ["/qa/", f"/qa/reviews/{review.pk}/", "/qa/calibration/new/"],
    }  # fmt: skip
    pages[world.agent].append(f"/campaigns/{campaign.pk}/work/")
    failures, tried = [], 0
    for user, urls in pages.items():
        client = Client()
        client.force_login(user)
        for page in urls:
            for action, names in _forms(client, page):
                for name in names:
                    for value in HOSTILE_TEXT:
                        tried += 1
                        response = client.post(action, {name: value})
                        if response.status_code >= 500:
                            failures.append(f"{user} {action} {name}={value[:40]!r} -> {response.status_code}")
    assert tried > 300, "the pages should have shown their forms"
    assert failures == [], "\n".join(failures[:20])

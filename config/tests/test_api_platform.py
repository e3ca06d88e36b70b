"""What every integrator relies on: tokens, safe retries, ETags, limits, webhooks, the schema, authorization."""

from __future__ import annotations

import contextlib
import re
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.exceptions import ValidationError
from rest_framework.test import APIClient

from agents.models import AuditEvent, User
from crm.api.serializers import CallSerializer, CustomerSerializer
from crm.models import Customer
from crm.tests.factories import customer_with_phone
from integrations.models import ApiToken, WebhookSubscription
from integrations.services.tokens import token_create, token_revoke
from tickets.api.serializers import TicketCreateSerializer

BASE_DIR = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def bearer(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def integrator_token(world):
    _, raw = token_create(user=world.integrator, name="CTI")
    return raw


def test_bearer_token_works_and_is_stored_hashed(world, integrator_token):
    response = bearer(integrator_token).get("/api/v1/customers/")
    assert response.status_code == 200
    token = ApiToken.objects.get()
    assert integrator_token not in (token.key_hash, token.prefix)
    assert token.last_used_at is not None
    assert AuditEvent.objects.filter(action="token.create").exists()


@pytest.mark.parametrize(
    ("setup", "message"),
    [("revoke", "revoked"), ("expire", "expired"), ("disable", "disabled"), ("unknown", "Unknown API token")],
)
def test_bad_tokens_get_401_with_a_clear_message(world, setup, message):
    token, raw = token_create(user=world.integrator, name="x")
    if setup == "revoke":
        token_revoke(token=token)
    elif setup == "expire":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    elif setup == "disable":
        User.objects.filter(pk=world.integrator.pk).update(is_active=False)
    else:
        raw = "sb_nope"
    response = bearer(raw).get("/api/v1/customers/")
    assert response.status_code == 401
    assert message in response.json()["message"]
    assert response.json()["code"]


def test_create_api_token_command_prints_the_token_last(world):
    out, err = StringIO(), StringIO()
    call_command("create_api_token", world.integrator.username, "--expires-days", "7", stdout=out, stderr=err)
    raw = out.getvalue().strip().splitlines()[-1]
    assert raw.startswith("sb_")
    assert bearer(raw).get("/api/v1/calls/").status_code == 200


def test_idempotent_retry_returns_the_first_response_without_a_second_effect(world, integrator_token):
    client = bearer(integrator_token)
    body = {"name": "Ada Lovelace", "phones": [{"number": "+14155550123"}]}
    first = client.post("/api/v1/customers/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post("/api/v1/customers/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Customer.objects.filter(name="Ada Lovelace").count() == 1
    other = client.post("/api/v1/customers/", {**body, "name": "Other"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"


def test_stale_if_match_is_412_and_fresh_one_succeeds(world, integrator_token):
    customer = customer_with_phone(world.program_a)
    client = bearer(integrator_token)
    read = client.get(f"/api/v1/customers/{customer.pk}/")
    etag = read["ETag"]
    assert client.get(f"/api/v1/customers/{customer.pk}/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    ok = client.patch(f"/api/v1/customers/{customer.pk}/", {"vip": True}, format="json", HTTP_IF_MATCH=etag)
    assert ok.status_code == 200
    assert ok["ETag"] != etag
    stale = client.patch(f"/api/v1/customers/{customer.pk}/", {"vip": False}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert stale.json()["code"] == "precondition_failed"
    customer.refresh_from_db()
    assert customer.vip is True


def test_ticket_updates_honour_if_match(world, integrator_token):
    from tickets.services.tickets import ticket_create

    ticket = ticket_create(actor=world.agent, program=world.program_a, subject="x")
    client = bearer(integrator_token)
    etag = client.get(f"/api/v1/tickets/{ticket.pk}/")["ETag"]
    client.patch(f"/api/v1/tickets/{ticket.pk}/", {"priority": "high"}, format="json")
    stale = client.patch(f"/api/v1/tickets/{ticket.pk}/", {"status": "open"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412


def test_throttling_answers_429_with_retry_after(world, integrator_token, monkeypatch):
    from django.core.cache import cache

    from config.api.throttling import TokenRateThrottle

    cache.clear()
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "3/minute", "anon": "3/minute"})
    client = bearer(integrator_token)
    statuses = [client.get("/api/v1/calls/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/calls/")
    assert int(response["Retry-After"]) > 0
    assert response.json()["code"] == "throttled"
    cache.clear()


def test_oversized_body_is_413(world, integrator_token, settings):
    settings.API_MAX_BODY_BYTES = 1000
    response = bearer(integrator_token).post("/api/v1/customers/", {"name": "x" * 5000}, format="json")
    assert response.status_code == 413
    assert "limit" in response.json()["message"]


def test_page_size_has_a_hard_maximum(world, integrator_token):
    from config.api.pagination import MAX_PAGE_SIZE

    for i in range(MAX_PAGE_SIZE + 5):
        customer_with_phone(world.program_a, f"+1415555{i:04d}")
    body = bearer(integrator_token).get("/api/v1/customers/", {"page_size": 100000}).json()
    assert len(body["results"]) == MAX_PAGE_SIZE == 100
    assert body["next"]


def _walk(api: APIClient, url: str, params: dict, link: str = "next") -> list[list[int]]:
    pages, response = [], api.get(url, params).json()
    while True:
        pages.append([row["id"] for row in response["results"]])
        if not response[link]:
            return pages
        response = api.get(response[link]).json()


@pytest.mark.parametrize("ordering", ["-created_at", "created_at", "-updated_at", "id"])
def test_keyset_pages_walk_every_row_once_forward_and_back(world, integrator_token, ordering):
    """Ten customers share each timestamp (a bulk import): no page skips or repeats one of them."""
    Customer.objects.bulk_create(Customer(program=world.program_a, name=f"Bulk {i:02d}") for i in range(23))
    stamps = [timezone.now() - timedelta(hours=i // 10) for i in range(23)]
    for customer, at in zip(Customer.objects.order_by("pk"), stamps, strict=True):
        Customer.objects.filter(pk=customer.pk).update(created_at=at, updated_at=at)
    field = ordering.lstrip("-")
    expected = list(
        Customer.objects.order_by(ordering, f"{'-' if ordering.startswith('-') else ''}id").values_list("id", flat=True)
    )
    api = bearer(integrator_token)
    forward = _walk(api, "/api/v1/customers/", {"ordering": ordering, "page_size": 4})
    assert [pk for page in forward for pk in page] == expected, field
    assert [len(page) for page in forward] == [4, 4, 4, 4, 4, 3]
    last_page = api.get("/api/v1/customers/", {"ordering": ordering, "page_size": 4}).json()
    while last_page["next"]:
        last_page = api.get(last_page["next"]).json()
    assert last_page["previous"]
    backward = _walk(api, last_page["previous"], {}, link="previous")
    assert [pk for page in reversed(backward) for pk in page] == expected[:20]


def test_a_keyset_list_refuses_page_numbers_and_foreign_cursors(world, integrator_token):
    api = bearer(integrator_token)
    for i in range(3):
        customer_with_phone(world.program_a, f"+1415555{i:04d}")
    by_name = api.get("/api/v1/customers/", {"ordering": "name", "page_size": 1}).json()["next"]
    cursor = by_name.split("cursor=")[1].split("&")[0]
    response = api.get("/api/v1/customers/", {"ordering": "created_at", "cursor": cursor})
    assert response.status_code == 400
    assert "cursor" in response.json()["details"]
    for params, field in [({"page": 2}, "page"), ({"cursor": "not-a-cursor"}, "cursor")]:
        for url in ("/api/v1/customers/", "/api/v1/tickets/", "/api/v1/calls/"):
            response = api.get(url, params)
            assert response.status_code == 400, url
            assert field in response.json()["details"], response.json()


def test_docs_page_uses_no_cdn(client):
    page = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in page
    assert "cdn" not in page.lower()
    assert "https://" not in page.split("<body")[0]


def test_schema_is_valid_and_matches_the_committed_file(tmp_path):
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(generated), "--validate", "--fail-on-warn")
    committed = (BASE_DIR / "docs" / "openapi.yaml").read_text()
    assert generated.read_text() == committed, (
        "The API changed: regenerate the committed schema with "
        "`.venv/bin/python manage.py spectacular --file docs/openapi.yaml --validate`"
    )


# --- Authorization matrix --------------------------------------------------------------


def _api_routes() -> list[tuple[str, str]]:
    """(route pattern, basename-ish name) of every /api/v1/ URL, found by walking the resolver."""
    routes: list[tuple[str, str]] = []

    def walk(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                route = prefix + str(entry.pattern)
                if route.startswith("api/v1/"):
                    routes.append((route, entry.name or ""))

    walk(get_resolver().url_patterns)
    return routes


def _campaign_of_program_b(world) -> int:
    from agents.models import Role
    from agents.tests.factories import make_user
    from outbound.services import campaign_create

    boss = make_user(Role.SUPERVISOR, team=world.team_b, supervisor=True)
    return campaign_create(actor=boss, program=world.program_b, name="B only").pk


def _out_of_scope_objects(world) -> dict[str, int]:
    """One object of program B per resource: an agent of program A must get 404 for each."""
    from decimal import Decimal

    from agents.models import AuditEvent, Notification
    from approvals.models import ApprovalRequest
    from crm.models import DoNotCallEntry, Organization, WrapUpCode
    from crm.tests.factories import CallFactory
    from knowledge.models import Article
    from tickets.models import Category, FollowUp
    from tickets.services.tickets import ticket_create

    customer = customer_with_phone(world.program_b, "+442079460000")
    ticket = ticket_create(actor=world.agent_b, program=world.program_b, subject="B")
    approval = ApprovalRequest.objects.create(
        kind="refund", amount=Decimal(10), currency="GBP", reason="x", program=world.program_b,
        customer=customer, requested_by=world.agent_b,
    )  # fmt: skip
    follow_up = FollowUp.objects.create(
        program=world.program_b, customer=customer, owner=world.agent_b, due_at=timezone.now()
    )
    article = Article.objects.create(slug="b-only", title="B only", status="published", program=world.program_b)
    other_token, _ = token_create(user=world.agent_b, name="b")
    hook = WebhookSubscription.objects.create(owner=world.agent_b, url="https://example.com", events=["call.logged"])
    del other_token
    from quality.tests.factories import qa_review, survey_answer

    answer = survey_answer(CallFactory(customer=customer, agent=world.agent_b), 3)
    review = qa_review(CallFactory(customer=customer, agent=world.agent_b, answered_at=timezone.now()), score="80")
    return {
        "qa-review": review.pk,
        "qa-scorecard": review.version.scorecard_id,
        "survey": answer.survey_id,
        "survey-response": answer.pk,
        "customer": customer.pk,
        "call": CallFactory(customer=customer).pk,
        "ticket": ticket.pk,
        "follow-up": follow_up.pk,
        "approval": approval.pk,
        "article": article.pk,
        "webhook": hook.pk,
        "wrap-up-code": WrapUpCode.objects.create(program=world.program_b, code="b", label="B").pk,
        "campaign": _campaign_of_program_b(world),
        "dnc": DoNotCallEntry.objects.create(program=world.program_b, number="+442079460001", source="client").pk,
        "agent": world.agent_b.username,  # agents/<username>/state/: another program's agent
        "user": world.agent_b.pk,
        "team": world.team_b.pk,
        "organization": Organization.objects.create(program=world.program_b, name="B Ltd").pk,
        "category": Category.objects.create(program=world.program_b, name="B only").pk,
        "audit-event": AuditEvent.objects.create(action="b.only", actor_label="b", program=world.program_b).pk,
        "notification": Notification.objects.create(recipient=world.agent_b, kind="b", title="B only").pk,
        "metrics": 0,  # no id: scoped rows (reports/tests/test_metrics.py)
    }


def test_authorization_matrix_covers_every_api_route(world):
    objects = _out_of_scope_objects(world)
    anonymous = APIClient()
    agent = APIClient()
    agent.force_authenticate(world.agent)
    unknown = []
    for route, name in _api_routes():
        basename = name.rsplit("-", 1)[0] if "-" in name else name
        for suffix in ("-list", "-detail", "-lookup", "-search", "-timeline", "-notes", "-comments", "-versions",
                       "-approve", "-reject", "-cancel", "-mark-applied", "-erasure", "-events",
                       "-state", "-export", "-consents", "-contacts", "-next", "-outcome", "-merge", "-draft",
                       "-submit", "-publish", "-send-back", "-archive", "-read", "-read-all"):  # fmt: skip
            if name.endswith(suffix):
                basename = name[: -len(suffix)]
        if basename not in objects:
            unknown.append(name)
            continue
        if "(?P<format>" in route:
            continue  # the same views with a format suffix
        has_pk = "(?P<pk>" in route or "<str:username>" in route
        url = "/" + re.sub(r"\(\?P<pk>[^)]*\)", str(objects[basename]), route).replace("^", "").replace("$", "")
        url = url.replace("<str:username>", str(objects[basename]))
        for method in ("get", "post"):
            response = getattr(anonymous, method)(url, {}, format="json")
            assert response.status_code == 401, f"anonymous {method.upper()} {url} -> {response.status_code}"
        if has_pk:
            for method in ("get", "post", "patch"):
                response = getattr(agent, method)(url, {}, format="json")
                assert response.status_code in {404, 405}, f"agent A {method.upper()} {url} -> {response.status_code}"
    assert unknown == [], f"add these API routes to the authorization matrix: {unknown}"


def test_out_of_range_filter_values_are_400_not_500(world, integrator_token):
    client = bearer(integrator_token)
    response = client.get("/api/v1/customers/", {"updated_at__gte": "0624-10-08T06:53:42-20:31"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert client.get("/api/v1/articles/search/?q=a%00b").status_code == 400


def test_every_error_under_the_api_is_json(world, integrator_token):
    """Whatever answers, a view of ours or Django itself: {"code", "message", "details"}, never an HTML page
    (429 and 413 above; 503 in config/tests/test_outages.py)."""
    client = bearer(integrator_token)
    answers = {
        404: [client.get("/api/v1/no-such-thing/"), client.get("/api/nothing"), client.get("/api/v1/customers/0/")],
        405: [client.delete("/api/v1/customers/")],
        415: [client.post("/api/v1/customers/", "name=x", content_type="text/plain")],
        401: [APIClient().get("/api/v1/customers/")],
    }
    for status, responses in answers.items():
        for response in responses:
            assert response.status_code == status, response.content[:200]
            assert response["Content-Type"].startswith("application/json")
            assert set(response.json()) >= {"code", "message"}


def test_a_related_field_narrowed_for_one_caller_stays_narrowed_for_that_caller_only(world, rf):
    """Model serializers build their fields once per class (config.api.serializers); each instance works on
    its own copy, so narrowing one caller's related field never reaches another caller's serializer."""
    mine = customer_with_phone(world.program_a, "+14155550100")
    theirs = customer_with_phone(world.program_b, "+442071838750")
    serializers = {}
    for user in (world.agent, world.agent_b):
        request = rf.post("/api/v1/calls/")
        request.user = user
        serializers[user.username] = CallSerializer(data={}, context={"request": request})
    accepted: dict[str, set[int]] = {name: set() for name in serializers}
    for name, serializer in serializers.items():
        for customer in (mine, theirs):
            with contextlib.suppress(ValidationError):
                accepted[name].add(serializer.fields["customer"].run_validation(customer.pk).pk)
    assert accepted == {"agent": {mine.pk}, "agent_b": {theirs.pk}}
    written_out = CallSerializer().fields["customer"]  # writing a call out: no scope, nothing to look up
    assert written_out.lookup is None
    assert not written_out.queryset.exists()


def test_each_serializer_binds_fields_of_its_own_and_nested_fields_see_its_request(world, rf):
    """The fields built once per class are copied for each serializer, a plain field shallowly
    (config.api.serializers): binding one never reaches another, and a nested serializer's fields still
    read their own caller's request."""
    made = []
    for user in (world.agent, world.agent_b):
        request = rf.get("/api/v1/customers/")
        request.user = user
        made.append((request, CustomerSerializer(context={"request": request})))
    for request, serializer in made:
        assert serializer.fields["name"].parent is serializer
        assert serializer.fields["phones"].child.fields["number"].context["request"] is request
    assert made[0][1].fields["name"] is not made[1][1].fields["name"]
    # A list's field for each item is the list's own, bound to it, and reads the caller's request too.
    request = made[0][0]
    tags = [TicketCreateSerializer(context={"request": request}).fields["tags"] for _ in range(2)]
    assert tags[0].child is not tags[1].child
    assert tags[0].child.parent is tags[0]
    assert tags[0].child.context["request"] is request

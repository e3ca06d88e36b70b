"""Knowledge managers write over the API through the same review as on the web: draft, submit, published by
another knowledge manager (never the author), or sent back with a comment."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from agents.models import Role
from agents.tests.factories import make_user
from knowledge.models import Article, ArticleVersion

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_an_article_written_over_the_api_goes_through_review(world):
    author, reviewer = _api(world.knowledge_manager), _api(make_user(Role.KNOWLEDGE_MANAGER, program=world.program_a))
    created = author.post(
        "/api/v1/articles/",
        {"title": "Refunds for late cakes", "body": "Refund **in full** when late.", "topic": "Refunds",
         "program": world.program_a.pk, "kind": "script", "steps": [{"kind": "say", "text": "I am sorry."}]},
        format="json",
    )  # fmt: skip
    assert created.status_code == 201, created.content
    article = created.json()
    assert (article["status"], article["program"], article["steps"][0]["text"]) == ("draft", world.program_a.pk,
                                                                                    "I am sorry.")  # fmt: skip
    url = f"/api/v1/articles/{article['id']}"
    edited = author.patch(f"{url}/", {"title": "Refunds for late cakes", "body": "Refund in full.",
                                      "change_note": "Simpler"}, format="json")  # fmt: skip
    assert edited.json()["body"] == "Refund in full."
    assert author.post(f"{url}/submit/").json()["status"] == "in_review"
    refused = author.post(f"{url}/publish/")
    assert refused.status_code == 403  # the author never publishes their own words
    assert reviewer.post(f"{url}/send-back/", {}, format="json").json()["details"] == {"comment": [
        "This field is required."]}  # fmt: skip
    assert reviewer.post(f"{url}/send-back/", {"comment": "Say when"}, format="json").json()["status"] == "draft"
    assert author.get(f"{url}/draft/").json()["review_comment"] == "Say when"
    author.patch(f"{url}/", {"title": "Refunds for late cakes", "body": "Refund in full within 5 days."},
                 format="json")  # fmt: skip
    author.post(f"{url}/submit/")
    version = reviewer.post(f"{url}/publish/").json()
    assert (version["number"], version["body"]) == (1, "Refund in full within 5 days.")
    assert Article.objects.get(pk=article["id"]).status == "published"
    assert ArticleVersion.objects.filter(article_id=article["id"]).count() == 1
    assert reviewer.get(f"{url}/draft/").status_code == 404  # nothing left in the works


def test_agents_read_but_never_write_the_knowledge_base(world):
    agent = _api(world.agent)
    assert agent.post("/api/v1/articles/", {"title": "Mine"}, format="json").status_code == 403
    assert not Article.objects.exists()
    wrong = _api(world.knowledge_manager).post(
        "/api/v1/articles/", {"title": "B", "program": world.program_b.pk}, format="json"
    )
    assert wrong.status_code == 400
    assert "program" in wrong.json()["details"]

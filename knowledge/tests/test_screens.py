"""The knowledge manager's screens: comparing versions, the editor by kind, the preview; and the agent's search
from a ticket that links the answer back in one action."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agents.models import Role
from agents.tests.factories import make_user
from knowledge.diff import side_by_side
from knowledge.models import Article, ArticleDraft, ArticleUse
from knowledge.services.articles import article_create, article_edit, article_publish, article_submit
from tickets.services.tickets import ticket_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer(world):
    return make_user(Role.KNOWLEDGE_MANAGER, username="reviewer")


def _publish(world, reviewer, article, **fields):
    if fields:
        article_edit(actor=world.knowledge_manager, article=article, **fields)
    article_submit(actor=world.knowledge_manager, article=article)
    return article_publish(actor=reviewer, article=article)


@pytest.fixture
def three_versions(world, reviewer):
    body = "\n".join(f"Line {n}" for n in range(1, 13))
    article = article_create(actor=world.knowledge_manager, title="Oven repairs", summary="How", body=body)
    _publish(world, reviewer, article)
    _publish(world, reviewer, article, title="Oven repairs", summary="How", body=body.replace("Line 6", "Line six"))
    _publish(world, reviewer, article, title="Oven repairs", summary="How", body=body + "\nLine 13")
    return Article.objects.get(pk=article.pk)


def test_side_by_side_marks_changed_words_and_folds_unchanged_runs():
    middle = ["f", "g", "h", "i", "j", "k", "l"]
    old = "\n".join(["a", "b", "c", "d", "e", "the oven is broken", *middle, "gone"])
    new = "\n".join(["a", "b", "c", "d", "e", "the oven is fixed", *middle, "added"])
    rows = side_by_side(old, new)
    kinds = ["fold", "same", "same", "change", "same", "same", "fold", "same", "same", "change"]
    assert [row.kind for row in rows] == kinds
    assert rows[0].folded == 3  # a, b, c: before the first change, beyond the two lines of context
    assert rows[6].folded == 3  # h, i, j: two lines kept after one change and before the next
    assert str(rows[3].old_html) == "the oven is <del>broken</del>"
    assert str(rows[3].new_html) == "the oven is <ins>fixed</ins>"
    assert (rows[3].old_number, rows[3].new_number) == (6, 6)
    assert (rows[7].old_number, rows[7].new_number) == (12, 12)  # k
    assert str(rows[-1].old_html) == "<del>gone</del>"
    assert str(rows[-1].new_html) == "<ins>added</ins>"


def test_the_diff_escapes_what_articles_say():
    (row,) = side_by_side("<b>x</b>", "<b>y</b>")
    assert "<b>" not in row.old_html
    assert "&lt;b&gt;" in row.old_html


def test_compare_is_a_post_that_keeps_the_chosen_versions(client, world, three_versions):
    client.force_login(world.knowledge_manager)
    url = reverse("knowledge:article_versions", args=[three_versions.slug])
    page = client.get(url).content.decode()
    assert '<form method="post"' in page
    assert 'value="2"\n                     aria-label="Compare from version 2"\n                     checked' in page
    assert "data-diff" not in page

    response = client.post(url, {"a": "1", "b": "2"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Line <del>6</del>" in page
    assert "Line <ins>six</ins>" in page
    assert "unchanged lines" in page
    assert 'value="1"\n                     aria-label="Compare from version 1"\n                     checked' in page
    assert 'value="2"\n                     aria-label="Compare to version 2"\n                     checked' in page


def test_compare_without_two_versions_says_what_to_choose(client, world, three_versions):
    client.force_login(world.knowledge_manager)
    url = reverse("knowledge:article_versions", args=[three_versions.slug])
    response = client.post(url, {"a": "3"})
    assert response.status_code == 400
    assert "Choose a version in each column" in response.content.decode()
    assert "data-diff" not in response.content.decode()


def test_the_editor_shows_only_the_fields_of_the_kind(client, world, reviewer):
    client.force_login(world.knowledge_manager)
    new = client.get(reverse("knowledge:article_create")).content.decode()
    assert "data-kind-select" in new
    assert '<div data-for-kind="script" hidden>' in new  # a new one starts as a plain article

    plain = article_create(actor=world.knowledge_manager, title="Hours", body="8 to 8")
    script = article_create(actor=world.knowledge_manager, title="Greeting", kind="script", steps=[])
    page = client.get(reverse("knowledge:article_edit", args=[plain.slug])).content.decode()
    assert '<div data-for-kind="script" hidden>' in page
    page = client.get(reverse("knowledge:article_edit", args=[script.slug])).content.decode()
    assert '<div data-for-kind="script" >' in page


def test_preview_renders_what_was_typed_and_saves_nothing(client, world):
    client.force_login(world.knowledge_manager)
    response = client.post(
        reverse("knowledge:article_create"),
        {"title": "Refunds", "body": "A **full** refund", "kind": "article", "preview": "1"},
    )
    page = response.content.decode()
    assert "data-preview-shown" in page
    assert "<strong>full</strong>" in page
    assert 'value="Refunds"' in page  # still in the form
    assert not Article.objects.filter(title="Refunds").exists()
    assert not ArticleDraft.objects.exists()


def test_a_refused_save_keeps_what_was_typed(client, world):
    client.force_login(world.knowledge_manager)
    response = client.post(
        reverse("knowledge:article_create"), {"title": "", "body": "Typed with care", "kind": "article"}
    )
    assert response.status_code == 400
    assert "Typed with care" in response.content.decode()


@pytest.mark.parametrize(("field", "value"), [("kind", "bogus"), ("language", "zz"), ("audience", "everyone")])
def test_the_editor_refuses_an_unknown_choice_naming_it_and_keeps_the_text(client, world, field, value):
    client.force_login(world.knowledge_manager)
    data = {"title": "Opening hours", "body": "Typed with care", "kind": "article", "language": "en"}
    response = client.post(reverse("knowledge:article_create"), {**data, "audience": "internal", field: value})
    page = response.content.decode()
    assert response.status_code == 400
    assert f"Unknown {field}" in page
    assert "Typed with care" in page
    assert not Article.objects.exists()


def test_knowledge_search_from_a_ticket_links_the_answer_back_in_one_action(client, world, reviewer):
    article = article_create(actor=world.knowledge_manager, title="Oven repairs", body="Book an engineer.")
    _publish(world, reviewer, article)
    ticket = ticket_create(actor=world.agent, program=world.program_a, subject="Broken oven")
    client.force_login(world.agent)

    ticket_page = client.get(reverse("tickets:ticket_detail", args=[ticket.pk])).content.decode()
    assert f'href="/kb/?ticket={ticket.pk}"' in ticket_page
    results = client.get(reverse("knowledge:article_list"), {"q": "oven", "ticket": ticket.pk}).content.decode()
    assert f'name="ticket" value="{ticket.pk}"' in results  # the search keeps the ticket
    assert f"&amp;ticket={ticket.pk}" in results  # and so does opening a result
    assert f"Link to {ticket.number}" in results

    response = client.post(reverse("knowledge:article_link", args=[article.slug]), {"ticket": ticket.pk})
    assert response.url == reverse("tickets:ticket_detail", args=[ticket.pk])
    assert ArticleUse.objects.filter(article=article, ticket=ticket, user=world.agent).exists()


def test_another_programs_ticket_is_not_kept_as_context(client, world, reviewer):
    other = ticket_create(actor=world.agent_b, program=world.program_b, subject="Elsewhere")
    client.force_login(world.agent)
    page = client.get(reverse("knowledge:article_list"), {"ticket": other.pk}).content.decode()
    assert "data-working-on" not in page
    assert other.number not in page

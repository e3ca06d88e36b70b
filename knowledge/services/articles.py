"""Writing, reviewing and publishing articles and scripts. Every publish is an immutable version."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from agents.models import User
from agents.selectors import knowledge_reviewers
from agents.services import audit_record, notification_send
from config.errors import InvalidTransition, NotAllowed
from config.redaction import redact_text, refuse_card
from knowledge import permissions
from knowledge.models import (
    LANGUAGES,
    TRANSITIONS,
    Article,
    ArticleDraft,
    ArticleUse,
    ArticleVersion,
    Feedback,
    ScriptRun,
    StepKind,
)


def _clean_steps(steps: list[dict[str, Any]] | None) -> list[dict[str, str]]:
    cleaned = []
    for index, step in enumerate(steps or []):
        text = redact_text(str(step.get("text", "")).strip())
        if not text:
            continue
        kind = step.get("kind", "say")
        if kind not in StepKind.values:
            raise ValidationError({"steps": [f"Step {index + 1}: kind must be say, check or branch."]})
        cleaned.append({"id": str(step.get("id") or f"s{index + 1}"), "kind": kind, "text": text})
    return cleaned


def _unique_slug(title: str) -> str:
    base = slugify(title)[:100] or "article"
    slug = base
    while Article.objects.filter(slug=slug).exists():
        slug = f"{base}-{uuid.uuid4().hex[:6]}"
    return slug


def article_create(
    *,
    actor: User,
    title: str,
    summary: str = "",
    body: str = "",
    kind: str = Article.Kind.ARTICLE,
    steps: list[dict[str, Any]] | None = None,
    language: str = "en",
    audience: str = Article.Audience.INTERNAL,
    topic: str = "",
    tags: list[str] | None = None,
    program: Any = None,
    category: Any = None,
    translation_of: Article | None = None,
) -> Article:
    """A new article in draft, owned by its author."""
    if not permissions.can_edit_knowledge_base(actor):
        raise NotAllowed("Only knowledge managers write articles.")
    title = redact_text((title or "").strip())
    if not title:
        raise ValidationError({"title": ["Give the article a title."]})
    choices = {
        "kind": (kind, Article.Kind.values),
        "language": (language, [code for code, _ in LANGUAGES]),
        "audience": (audience, Article.Audience.values),
    }
    for name, (value, allowed) in choices.items():
        if value not in allowed:
            raise ValidationError({name: [f"Unknown {name} {value!r}: choose one of {', '.join(allowed)}."]})
    refuse_card("topic", topic)
    for tag in tags or []:
        refuse_card("tags", tag)
    with transaction.atomic():
        article = Article.objects.create(
            slug=_unique_slug(title),
            kind=kind,
            title=title[:200],
            summary=redact_text(summary)[:500],
            body=redact_text(body),
            steps=_clean_steps(steps),
            language=language,
            audience=audience,
            topic=topic,
            tags=tags or [],
            program=program,
            category=category,
            owner=actor,
            translation_of=translation_of,
        )
        ArticleDraft.objects.create(
            article=article, title=article.title, summary=article.summary, body=article.body, steps=article.steps,
            author=actor,
        )  # fmt: skip
    return article


def article_edit(
    *,
    actor: User,
    article: Article,
    title: str,
    summary: str = "",
    body: str = "",
    steps: list[dict[str, Any]] | None = None,
    change_note: str = "",
) -> ArticleDraft:
    """Edits the working copy; a published article stays live until the new revision is published."""
    if not permissions.can_edit_article(actor, article):
        raise NotAllowed("Only knowledge managers edit articles.")
    if not (title or "").strip():
        raise ValidationError({"title": ["Give the article a title."]})
    with transaction.atomic():
        draft, _ = ArticleDraft.objects.select_for_update().get_or_create(
            article=article, defaults={"title": article.title, "author": actor}
        )
        if draft.state == ArticleDraft.State.IN_REVIEW:
            raise InvalidTransition(entity="draft", current="in_review", target="editing")
        draft.title = redact_text(title.strip())[:200]
        draft.summary = redact_text(summary)[:500]
        draft.body = redact_text(body)
        draft.steps = _clean_steps(steps)
        draft.change_note = redact_text(change_note)[:300]
        draft.author = actor
        draft.save()
        if article.status == Article.Status.DRAFT:
            Article.objects.filter(pk=article.pk).update(title=draft.title, updated_at=timezone.now())
    return draft


def _draft_of(article: Article) -> ArticleDraft:
    draft = ArticleDraft.objects.select_for_update().filter(article=article).first()
    if draft is None:
        raise InvalidTransition(entity="article", current=article.status, target="in_review")
    return draft


def article_submit(*, actor: User, article: Article) -> Article:
    """The author asks another knowledge manager to review the draft."""
    if not permissions.can_edit_article(actor, article):
        raise NotAllowed("Only knowledge managers submit articles.")
    with transaction.atomic():
        draft = _draft_of(article)
        if draft.state == ArticleDraft.State.IN_REVIEW:
            return article
        draft.state = ArticleDraft.State.IN_REVIEW
        draft.save(update_fields=["state", "updated_at"])
        if article.status == Article.Status.DRAFT:
            article.status = Article.Status.IN_REVIEW
            article.save(update_fields=["status", "updated_at"])
    for reviewer in knowledge_reviewers(program_id=article.program_id, author_id=draft.author_id):
        notification_send(
            recipient=reviewer,
            kind="knowledge.review_requested",
            title=f"Waiting for your review: {draft.title}",
            body=draft.change_note,
            url=f"/kb/{article.slug}/",
        )
    return article


def article_send_back(*, actor: User, article: Article, comment: str) -> Article:
    """The reviewer returns the draft to its author with comments."""
    comment = redact_text((comment or "").strip())
    if not comment:
        raise ValidationError({"comment": ["Tell the author what to change."]})
    with transaction.atomic():
        draft = _draft_of(article)
        if not permissions.can_review_draft(actor, draft):
            raise NotAllowed("Another knowledge manager reviews this draft, not its author.")
        if draft.state != ArticleDraft.State.IN_REVIEW:
            raise InvalidTransition(entity="draft", current=draft.state, target="editing")
        draft.state = ArticleDraft.State.EDITING
        draft.review_comment = comment
        draft.save(update_fields=["state", "review_comment", "updated_at"])
        if article.status == Article.Status.IN_REVIEW:
            article.status = Article.Status.DRAFT
            article.save(update_fields=["status", "updated_at"])
    if draft.author is not None:
        notification_send(
            recipient=draft.author,
            kind="knowledge.sent_back",
            title=f"Changes requested: {article.title}",
            body=comment,
            url=f"/kb/{article.slug}/",
        )
    return article


def article_publish(*, actor: User, article: Article) -> ArticleVersion:
    """The reviewer (never the author) publishes the draft: content goes live and a version is stored."""
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        draft = _draft_of(locked)
        if not permissions.can_review_draft(actor, draft):
            raise NotAllowed("Another knowledge manager must approve this draft, not its author.")
        if draft.state != ArticleDraft.State.IN_REVIEW:
            raise InvalidTransition(entity="draft", current=draft.state, target="published")
        number = (locked.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        version = ArticleVersion.objects.create(
            article=locked,
            number=number,
            title=draft.title,
            summary=draft.summary,
            body=draft.body,
            steps=draft.steps,
            change_note=draft.change_note or ("First version" if number == 1 else ""),
            author=draft.author,
            published_by=actor,
        )
        now = timezone.now()
        locked.title, locked.summary, locked.body, locked.steps = draft.title, draft.summary, draft.body, draft.steps
        locked.status = Article.Status.PUBLISHED
        locked.published_at = now
        locked.review_due = (now + timedelta(days=settings.KNOWLEDGE_REVIEW_DAYS)).date()
        locked.save()
        author_id = draft.author_id
        draft.delete()
        audit_record(action="article.publish", actor=actor, obj=locked, data={"version": number})
    if version.author is not None and author_id != actor.pk:
        notification_send(
            recipient=version.author,
            kind="knowledge.published",
            title=f"Published: {locked.title} (version {number})",
            body=f"Reviewed and published by {actor}.",  # User.__str__: the name, else the username
            url=f"/kb/{locked.slug}/",
        )
    return version


def article_archive(*, actor: User, article: Article) -> Article:
    if not permissions.can_edit_article(actor, article):
        raise NotAllowed("Only knowledge managers archive articles.")
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        if locked.status == Article.Status.ARCHIVED:
            return locked
        if Article.Status.ARCHIVED not in TRANSITIONS[locked.status]:
            raise InvalidTransition(entity="article", current=locked.status, target="archived")
        locked.status = Article.Status.ARCHIVED
        locked.save(update_fields=["status", "updated_at"])
    return locked


def article_restore_version(*, actor: User, article: Article, version: ArticleVersion) -> ArticleDraft:
    """An old version becomes the new working copy (it goes through review again)."""
    if version.article_id != article.pk:
        raise ValidationError({"version": ["That version belongs to another article."]})
    draft = article_edit(
        actor=actor,
        article=article,
        title=version.title,
        summary=version.summary,
        body=version.body,
        steps=version.steps,
        change_note=f"Restored from version {version.number}",
    )
    return draft


def article_feedback(*, actor: User, article: Article, helpful: bool, comment: str = "") -> Feedback:
    feedback, _ = Feedback.objects.update_or_create(
        article=article, user=actor, defaults={"helpful": helpful, "comment": redact_text(comment or "")}
    )
    return feedback


def article_use(*, actor: User, article: Article, ticket: Any = None, call: Any = None) -> ArticleUse:
    if ticket is None and call is None:
        raise ValidationError({"ticket": ["Link the article to a ticket or a call."]})
    use, _ = ArticleUse.objects.get_or_create(article=article, ticket=ticket, call=call, defaults={"user": actor})
    return use


def script_tick(*, actor: User, article: Article, call: Any, ticked: list[str]) -> ScriptRun:
    """Stores which script steps the agent ticked on this call (idempotent; the last state wins)."""
    valid = {step["id"] for step in article.steps}
    run, _ = ScriptRun.objects.update_or_create(
        call=call,
        article=article,
        defaults={
            "ticked": [step for step in ticked if step in valid],
            "agent": actor,
            "version": article.versions.values_list("number", flat=True).first(),
        },
    )
    ArticleUse.objects.get_or_create(article=article, call=call, defaults={"user": actor})
    return run


def articles_review_due_remind(*, today: Any = None) -> int:
    """Reminds each owner once per article past its review date."""
    today = today or timezone.localdate()
    sent = 0
    due = Article.objects.filter(status="published", review_due__lte=today, owner__isnull=False).select_related("owner")
    for article in due.iterator():
        if article.owner is None:
            continue
        _, created = notification_send(
            recipient=article.owner,
            kind="knowledge.review_due",
            title=f"Review due: {article.title}",
            url=f"/kb/{article.slug}/",
            dedupe_key=f"kb-review:{article.pk}:{article.review_due}",
        )
        sent += created
    return sent

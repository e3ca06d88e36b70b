"""Articles and call scripts, their versions, drafts under review, feedback, use and searches."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from agents.models import Program, TimeStamped

# Languages the search stems; anything else is searched without stemming ("simple").
LANGUAGES = [("en", "English"), ("es", "Spanish"), ("fr", "French"), ("de", "German")]


class StepKind(models.TextChoices):
    """A script step: words to say, something to check, or a branch ("if the customer...")."""

    SAY = "say", "Say"
    CHECK = "check", "Check"
    BRANCH = "branch", "Branch"


class Article(TimeStamped):
    """What agents read: the live (published) content. Work in progress lives in ``ArticleDraft``."""

    class Kind(models.TextChoices):
        ARTICLE = "article", "Article"
        SCRIPT = "script", "Call script"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    class Audience(models.TextChoices):
        INTERNAL = "internal", "Internal"
        CUSTOMER = "customer", "Customer-facing"

    slug = models.SlugField(max_length=120, unique=True)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.ARTICLE)
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=500, blank=True)
    body = models.TextField(blank=True, max_length=200_000, help_text="Markdown.")
    steps = models.JSONField(default=list, blank=True, help_text='Scripts: [{"id", "kind", "text"}], in order.')
    topic = models.CharField(max_length=80, blank=True, db_index=True)
    tags = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    language = models.CharField(max_length=5, choices=LANGUAGES, default="en")
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.INTERNAL)
    program = models.ForeignKey(
        Program, null=True, blank=True, on_delete=models.PROTECT, related_name="articles", help_text="Empty: all."
    )
    category = models.ForeignKey(
        "tickets.Category", null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    review_due = models.DateField(null=True, blank=True)
    review_reminded_for = models.DateField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    translation_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="translations"
    )

    class Meta:
        ordering = ["title"]
        indexes = [
            GinIndex(fields=["title"], opclasses=["gin_trgm_ops"], name="knowledge_title_trgm"),
            models.Index(fields=["status", "program"], name="knowledge_article_visible"),
            # Search puts an article whose title is the query first, however common its words.
            models.Index(Lower("title"), name="knowledge_title_lower"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["translation_of", "language"],
                condition=Q(translation_of__isnull=False),
                name="knowledge_one_translation_per_language",
            )
        ]

    def __str__(self) -> str:
        return self.title


# Allowed moves of an article's status (the draft of a published article has its own state).
TRANSITIONS: dict[str, frozenset[str]] = {
    Article.Status.DRAFT: frozenset({"in_review", "archived"}),
    Article.Status.IN_REVIEW: frozenset({"draft", "published"}),
    Article.Status.PUBLISHED: frozenset({"archived"}),
    Article.Status.ARCHIVED: frozenset({"draft"}),
}


class ArticleDraft(TimeStamped):
    """The working copy: a first draft, or a new revision of a published article that stays live meanwhile."""

    class State(models.TextChoices):
        EDITING = "editing", "Editing"
        IN_REVIEW = "in_review", "In review"

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="draft")
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=500, blank=True)
    body = models.TextField(blank=True, max_length=200_000)
    steps = models.JSONField(default=list, blank=True)
    change_note = models.CharField(max_length=300, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.EDITING)
    review_comment = models.TextField(blank=True, max_length=10_000)

    def __str__(self) -> str:
        return f"Draft of {self.article_id}"


class ArticleVersion(models.Model):
    """Immutable: one per publish (a database trigger refuses updates)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=500, blank=True)
    body = models.TextField(blank=True, max_length=200_000)
    steps = models.JSONField(default=list, blank=True)
    change_note = models.CharField(max_length=300, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="knowledge_version_unique")]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.number}"


class ScriptRun(models.Model):
    """The steps an agent ticked while following a script on a call."""

    call = models.ForeignKey("crm.Call", on_delete=models.CASCADE, related_name="script_runs")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="runs")
    version = models.PositiveIntegerField(null=True, blank=True)
    ticked = models.JSONField(default=list, blank=True)
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["call", "article"], name="knowledge_one_run_per_call")]

    def __str__(self) -> str:
        return f"Script {self.article_id} on call {self.call_id}"


class Feedback(TimeStamped):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    helpful = models.BooleanField()
    comment = models.TextField(blank=True, max_length=10_000)

    class Meta:
        verbose_name_plural = "feedback"

    def __str__(self) -> str:
        return f"{'helpful' if self.helpful else 'not helpful'}: {self.article_id}"


class ArticleUse(models.Model):
    """An article linked to a ticket or a call: counts as a use."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="uses")
    ticket = models.ForeignKey("tickets.Ticket", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    call = models.ForeignKey("crm.Call", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "ticket"], condition=Q(ticket__isnull=False), name="kb_use_t"),
            models.UniqueConstraint(fields=["article", "call"], condition=Q(call__isnull=False), name="kb_use_c"),
        ]

    def __str__(self) -> str:
        return f"use of {self.article_id}"


class SearchLog(models.Model):
    query = models.CharField(max_length=200)
    results = models.PositiveIntegerField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    clicked = models.ForeignKey(Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return f"{self.query!r}: {self.results}"

from __future__ import annotations

from django.contrib import admin

from knowledge.models import Article, ArticleDraft, ArticleUse, ArticleVersion, Feedback, ScriptRun, SearchLog


class DraftInline(admin.StackedInline):
    model = ArticleDraft
    extra = 0


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "status", "language", "audience", "program", "owner", "review_due"]
    list_filter = ["status", "kind", "language", "audience", "program"]
    search_fields = ["title", "slug", "topic"]
    list_select_related = ["program", "owner"]
    raw_id_fields = ["owner", "translation_of", "category"]
    readonly_fields = ["published_at"]
    inlines = [DraftInline]


@admin.register(ArticleVersion)
class ArticleVersionAdmin(admin.ModelAdmin):
    """Versions are immutable (a database trigger refuses updates)."""

    list_display = ["article", "number", "author", "published_by", "created_at"]
    search_fields = ["article__title"]
    list_select_related = ["article", "author", "published_by"]

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["article", "helpful", "user", "created_at"]
    list_filter = ["helpful"]
    list_select_related = ["article", "user"]


@admin.register(SearchLog)
class SearchLogAdmin(admin.ModelAdmin):
    list_display = ["query", "results", "user", "at"]
    search_fields = ["query"]
    list_select_related = ["user"]


@admin.register(ScriptRun)
class ScriptRunAdmin(admin.ModelAdmin):
    list_display = ["article", "call", "agent", "updated_at"]
    raw_id_fields = ["call", "article", "agent"]
    list_select_related = ["article", "agent"]


@admin.register(ArticleUse)
class ArticleUseAdmin(admin.ModelAdmin):
    list_display = ["article", "ticket", "call", "user", "at"]
    raw_id_fields = ["article", "ticket", "call", "user"]
    list_select_related = ["article", "user"]

"""Reads of the knowledge base; search is PostgreSQL full text (weighted, stemmed) plus trigram typo tolerance."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from agents.permissions import can_edit_knowledge, served_program_ids
from knowledge.models import LANGUAGES, Article, SearchLog

WORD = re.compile(r"[\w'-]+", re.UNICODE)
TYPO_SIMILARITY = 0.3
RANK_CANDIDATES = 200
OPEN, CLOSE = "\x02", "\x03"  # highlight sentinels, escaped around, turned into <mark> last


def article_list(*, actor: Any) -> QuerySet[Article]:
    """Agents: published articles of their programs and shared ones. Knowledge managers: everything."""
    if can_edit_knowledge(actor):
        return Article.objects.all()
    programs = served_program_ids(actor)
    return Article.objects.filter(Q(program__isnull=True) | Q(program_id__in=programs), status="published")


def article_get(*, actor: Any, slug: str | None = None, pk: int | str | None = None) -> Article | None:
    articles = article_list(actor=actor).select_related("owner", "program", "category", "translation_of")
    try:
        return articles.filter(slug=slug).first() if slug is not None else articles.filter(pk=int(pk or 0)).first()
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class Hit:
    article: Article
    rank: float
    snippet: SafeString


def _prefix_query(query: str) -> str:
    words = [w.replace("'", "") for w in WORD.findall(query)][:8]
    return " & ".join(f"{w}:*" for w in words if w)


def article_search(
    *,
    actor: Any,
    query: str,
    topic: str = "",
    tag: str = "",
    language: str = "",
    audience: str = "",
    limit: int = 20,
    log: bool = True,
) -> list[Hit]:
    """Best first: title beats summary beats body; phrases ("..."), prefixes while typing and typos all match."""
    query = (query or "").strip()[:200]
    if not query:
        return []
    visible = article_list(actor=actor)
    if topic:
        visible = visible.filter(topic=topic)
    if tag:
        visible = visible.filter(tags__contains=[tag])
    if language:
        visible = visible.filter(language=language)
    if audience:
        visible = visible.filter(audience=audience)
    ids_sql, ids_params = visible.order_by().values("id").query.sql_with_params()
    prefix = _prefix_query(query)
    # One tsquery OR-ing every language's parse of the words: a constant the GIN index can use
    # (a per-row query built from each article's language could not). Typos: trigram word
    # similarity on the title through its GIN index (the <% operator and its threshold).
    languages = [code for code, _ in LANGUAGES] + ["simple"]
    parts = " || ".join(
        "websearch_to_tsquery(knowledge_regconfig(%s), %s)"
        + (" || to_tsquery(knowledge_regconfig(%s), %s)" if prefix else "")
        for _ in languages
    )
    parts_params: list[Any] = []
    for code in languages:
        parts_params += [code, query] + ([code, prefix] if prefix else [])
    sql = f"""
        WITH q AS (SELECT {parts} AS tsq),
        -- Ranking every match of a common word is what makes search slow on a large base, so only a
        -- bounded candidate set is ranked: title look-alikes (trigram index) plus the first full-text
        -- matches. A title that matches the words is among the look-alikes, so it still comes first.
        candidates AS (
          (SELECT a.id FROM knowledge_article a WHERE a.id IN ({ids_sql}) AND %s <%% a.title LIMIT 100)
          UNION
          (SELECT a.id FROM knowledge_article a, q WHERE a.id IN ({ids_sql}) AND a.search @@ q.tsq LIMIT %s)
        ),
        hits AS (
          SELECT a.id, a.language, a.summary, a.body,
                 ts_rank_cd(a.search, q.tsq, 1) * 10 + word_similarity(%s, a.title) AS rank, a.title
          FROM knowledge_article a JOIN candidates c ON c.id = a.id, q
          ORDER BY rank DESC, a.title
          LIMIT %s
        )
        SELECT hits.id, hits.rank,
               ts_headline(knowledge_regconfig(hits.language), coalesce(hits.summary, '') || ' ' || hits.body,
                           q.tsq, 'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords=30, MinWords=10')
        FROM hits, q
        ORDER BY hits.rank DESC, hits.title
    """  # noqa: S608 - interpolated pieces are our own constants and Django's parameterised subquery
    params = [*parts_params, *ids_params, query, *ids_params, RANK_CANDIDATES, query, limit]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL pg_trgm.word_similarity_threshold = %s", [TYPO_SIMILARITY])
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    articles = Article.objects.in_bulk([row[0] for row in rows])
    hits = [Hit(articles[pk], float(rank), _highlight(snippet)) for pk, rank, snippet in rows if pk in articles]
    if log:
        SearchLog.objects.create(query=query, results=len(hits), user=actor if actor.is_authenticated else None)
    return hits


def _highlight(snippet: str) -> SafeString:
    text = escape(snippet or "")
    return mark_safe(text.replace(OPEN, "<mark>").replace(CLOSE, "</mark>"))  # noqa: S308 - escaped just above


def article_suggestions(*, actor: Any, category: Any = None, text: str = "", limit: int = 5) -> list[Article]:
    """For a ticket or call: the category's scripts and articles first, then what its words find."""
    found: list[Article] = []
    if category is not None:
        found = list(article_list(actor=actor).filter(category=category, status="published").order_by("kind")[:limit])
    words = " ".join(WORD.findall(text or "")[:12])
    if words and len(found) < limit:
        terms = " OR ".join(WORD.findall(words))
        for hit in article_search(actor=actor, query=terms, limit=limit, log=False):
            if hit.article not in found and hit.article.status == "published":
                found.append(hit.article)
    return found[:limit]


def article_translations(*, article: Article, actor: Any) -> list[Article]:
    root_id = article.translation_of_id or article.pk
    return list(article_list(actor=actor).filter(Q(pk=root_id) | Q(translation_of_id=root_id)).exclude(pk=article.pk))


def article_in_language(*, article: Article, actor: Any, language: str) -> Article:
    if not language or article.language == language:
        return article
    return next((t for t in article_translations(article=article, actor=actor) if t.language == language), article)


def knowledge_report(*, actor: Any, limit: int = 10) -> dict[str, Any]:
    articles = article_list(actor=actor).filter(status="published")
    with_counts = articles.annotate(
        helpful=Count("feedback", filter=Q(feedback__helpful=True), distinct=True),
        unhelpful=Count("feedback", filter=Q(feedback__helpful=False), distinct=True),
        used=Count("uses", distinct=True),
    )
    clicked = SearchLog.objects.exclude(clicked=None).values_list("clicked", flat=True)
    return {
        "least_helpful": list(with_counts.filter(unhelpful__gt=0).order_by("-unhelpful", "helpful")[:limit]),
        "most_used": list(with_counts.filter(used__gt=0).order_by("-used")[:limit]),
        "never_found": list(articles.exclude(pk__in=clicked).exclude(uses__isnull=False).order_by("title")[:limit]),
        "no_results": list(
            SearchLog.objects.filter(results=0).values("query").annotate(n=Count("id")).order_by("-n")[:limit]
        ),
        "review_due": list(articles.filter(review_due__isnull=False).order_by("review_due")[:limit]),
    }

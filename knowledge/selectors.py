"""Reads of the knowledge base; search is PostgreSQL full text (weighted, stemmed) plus trigram typo tolerance."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from agents.permissions import Actor, can_edit_knowledge, served_program_ids
from knowledge import permissions
from knowledge.models import LANGUAGES, Article, ArticleDraft, ArticleVersion, ScriptRun, SearchLog

WORD = re.compile(r"[\w'-]+", re.UNICODE)
EXCLUDED = re.compile(r"(?:^|\s)-([\w']+)", re.UNICODE)
TYPO_SIMILARITY = 0.3
RANK_CANDIDATES = 300
OPEN, CLOSE = "\x02", "\x03"  # highlight sentinels, escaped around, turned into <mark> last


def article_list(*, actor: Actor) -> QuerySet[Article]:
    """Agents: published articles of their programs and shared ones. Knowledge managers: everything."""
    if can_edit_knowledge(actor):
        return Article.objects.all()
    programs = served_program_ids(actor)
    return Article.objects.filter(Q(program__isnull=True) | Q(program_id__in=programs), status="published")


def published_scripts(*, actor: Actor) -> QuerySet[Article]:
    """Call scripts the actor may read and an agent may follow (a campaign's script)."""
    return article_list(actor=actor).filter(kind="script", status="published")


def article_get(*, actor: Actor, slug: str | None = None, pk: int | str | None = None) -> Article | None:
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
    """``w1 & w2 & w3:*``: the words typed so far, the last one perhaps not finished (none for a "phrase")."""
    if '"' in query:
        return ""
    words = [w for w in (w.replace("'", "") for w in WORD.findall(query)[:8]) if w]
    return " & ".join([*words[:-1], f"{words[-1]}:*"]) if words else ""


def _tsqueries(cursor: Any, query: str, excluded: list[str]) -> tuple[str, str]:
    """What to find and what to leave out, each as one constant tsquery the GIN indexes can use.

    The words are parsed by every language (a query built per row from each article's language could
    not use the index), the last one also as a prefix for search-as-you-type; languages that parse
    alike give one branch. An excluded word leaves out an article holding it in any language's form.
    Also sets the typo threshold for the rest of the transaction (one round trip for all three).
    """
    prefix = _prefix_query(query)
    languages = [code for code, _ in LANGUAGES] + ["simple"]
    cursor.execute(
        """
        SELECT set_config('pg_trgm.word_similarity_threshold', %s, true),
          ARRAY(
            SELECT DISTINCT parsed::text FROM (
              SELECT websearch_to_tsquery(knowledge_regconfig(lang), %s) FROM unnest(%s::text[]) lang
              UNION ALL
              SELECT to_tsquery(knowledge_regconfig(lang), %s) FROM unnest(%s::text[]) lang WHERE %s <> ''
            ) branches (parsed)
            WHERE numnode(parsed) > 0 ORDER BY 1
          ),
          ARRAY(
            SELECT DISTINCT parsed::text FROM (
              SELECT plainto_tsquery(knowledge_regconfig(lang), word)
              FROM unnest(%s::text[]) lang, unnest(%s::text[]) word
            ) branches (parsed)
            WHERE numnode(parsed) > 0 ORDER BY 1
          )
        """,
        [str(TYPO_SIMILARITY), query, languages, prefix, languages, prefix, languages, excluded],
    )
    _, include, exclude = cursor.fetchone()
    return " | ".join(f"( {branch} )" for branch in include), " | ".join(f"( {branch} )" for branch in exclude)


def article_search(
    *,
    actor: Actor,
    query: str,
    topic: str = "",
    tag: str = "",
    language: str = "",
    audience: str = "",
    limit: int = 20,
) -> list[Hit]:
    """Best first: title beats summary beats body; phrases ("..."), prefixes while typing and typos all match."""
    query = (query or "").strip()[:200]
    if not query:
        return []
    excluded = EXCLUDED.findall(query)[:8]
    wanted = EXCLUDED.sub(" ", query).strip()
    hits = (
        _ranked(
            actor=actor, wanted=wanted, excluded=excluded, topic=topic, tag=tag, language=language,
            audience=audience, limit=limit,
        )
        if wanted
        else []  # only words to leave out: nothing asked for
    )  # fmt: skip
    return hits


def _ranked(
    *, actor: Actor, wanted: str, excluded: list[str], topic: str, tag: str, language: str, audience: str, limit: int
) -> list[Hit]:
    """The search itself: ``wanted`` words, none of the ``excluded`` ones, best first."""
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
    # Three tiers, best first:
    # 1. the words in the title, summary or tags (the short ``search_head`` vector), and the article
    #    titled exactly so;
    # 2. when none has them, titles that look like the query (typos: trigram word similarity through
    #    the title index);
    # 3. while fewer than ``limit`` were found, the words in the body.
    # Common words match thousands of articles, so each tier ranks at most RANK_CANDIDATES of them
    # (a single misspelt word is equally like every title holding the word it misspells; a longer
    # query has few look-alikes). Among equals, the shorter title (more to the point) comes first.
    leave_out = "AND NOT a.search @@ q.excluded" if excluded else ""
    sql = f"""
        WITH q AS (SELECT %s::tsquery AS tsq, %s::tsquery AS excluded),
        head AS (
          SELECT ranked.id, 2 + ts_rank(ranked.search_head, q.tsq) + word_similarity(%s, ranked.title) AS rank,
                 length(ranked.title) AS title_length
          FROM (
            (SELECT a.id, a.title, a.search_head FROM knowledge_article a, q
             WHERE a.id IN ({ids_sql}) AND a.search_head @@ q.tsq {leave_out} LIMIT %s)
            UNION
            (SELECT a.id, a.title, a.search_head FROM knowledge_article a, q
             WHERE a.id IN ({ids_sql}) AND lower(a.title) = lower(%s) {leave_out})
          ) ranked, q
          ORDER BY rank DESC, title_length LIMIT %s
        ),
        typo AS (
          SELECT alike.id, 1 + word_similarity(%s, alike.title) AS rank, length(alike.title) AS title_length
          FROM (
            SELECT a.id, a.title FROM knowledge_article a, q
            WHERE NOT EXISTS (SELECT FROM head) AND a.id IN ({ids_sql}) AND %s <%% a.title {leave_out}
            LIMIT %s
          ) alike
          ORDER BY rank DESC, title_length LIMIT %s
        ),
        body AS (
          SELECT a.id, ts_rank(a.search, q.tsq) AS rank, length(a.title) AS title_length
          FROM knowledge_article a, q
          WHERE (SELECT count(*) FROM head) + (SELECT count(*) FROM typo) < %s
            AND a.id IN ({ids_sql}) AND a.search @@ q.tsq {leave_out}
          LIMIT %s
        ),
        hits AS (
          SELECT id, max(rank) AS rank
          FROM (SELECT * FROM head UNION ALL SELECT * FROM typo UNION ALL SELECT * FROM body) found
          GROUP BY id ORDER BY rank DESC, min(title_length) LIMIT %s
        )
        SELECT hits.id, hits.rank,
               ts_headline(knowledge_regconfig(a.language), coalesce(a.summary, '') || ' ' || a.body, q.tsq,
                           'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords=30, MinWords=10')
        FROM hits JOIN knowledge_article a ON a.id = hits.id, q
        ORDER BY hits.rank DESC, length(a.title), a.title
    """  # noqa: S608 - interpolated pieces are our own constants and Django's parameterised subquery
    with transaction.atomic(), connection.cursor() as cursor:
        tsquery, excluded_tsquery = _tsqueries(cursor, wanted, excluded)
        params = [
            tsquery,
            excluded_tsquery,
            *[wanted, *ids_params, RANK_CANDIDATES, *ids_params, wanted, limit],
            *[wanted, *ids_params, wanted, RANK_CANDIDATES, limit],
            *[limit, *ids_params, RANK_CANDIDATES],
            limit,
        ]
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    articles = Article.objects.in_bulk([row[0] for row in rows])
    return [Hit(articles[pk], float(rank), _highlight(snippet)) for pk, rank, snippet in rows if pk in articles]


def _highlight(snippet: str) -> SafeString:
    text = escape(snippet or "")
    return mark_safe(text.replace(OPEN, "<mark>").replace(CLOSE, "</mark>"))  # noqa: S308 - escaped just above


def article_suggestions(*, actor: Actor, category: Any = None, text: str = "", limit: int = 5) -> list[Article]:
    """For a ticket or call: the category's scripts and articles first, then what its words find."""
    found: list[Article] = []
    if category is not None:
        found = list(article_list(actor=actor).filter(category=category, status="published").order_by("kind")[:limit])
    words = " ".join(WORD.findall(text or "")[:12])
    if words and len(found) < limit:
        terms = " OR ".join(WORD.findall(words))
        for hit in article_search(actor=actor, query=terms, limit=limit):
            if hit.article not in found and hit.article.status == "published":
                found.append(hit.article)
    return found[:limit]


def article_translations(*, article: Article, actor: Actor) -> list[Article]:
    root_id = article.translation_of_id or article.pk
    return list(article_list(actor=actor).filter(Q(pk=root_id) | Q(translation_of_id=root_id)).exclude(pk=article.pk))


def article_in_language(*, article: Article, actor: Actor, language: str) -> Article:
    if not language or article.language == language:
        return article
    return next((t for t in article_translations(article=article, actor=actor) if t.language == language), article)


def knowledge_report(*, actor: Actor, limit: int = 10) -> dict[str, Any]:
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


def article_version_get(*, article: Article, number: int) -> ArticleVersion | None:
    return article.versions.filter(number=number).first()


def script_run_get(*, article: Article, call: Any) -> ScriptRun | None:
    """The steps ticked on ``call`` for this script, if any were."""
    return article.runs.filter(call=call).first()


def article_list_for_editors(*, actor: Actor, limit: int = 200) -> list[Article]:
    """Every article a knowledge manager may curate, drafts first, by title."""
    return list(article_list(actor=actor).select_related("owner").order_by("status", "title")[:limit])


def article_recent(*, actor: Actor, limit: int = 10) -> list[Article]:
    return list(article_list(actor=actor).order_by("-published_at")[:limit])


def article_topics(*, actor: Actor) -> list[str]:
    """The topics of the articles the actor sees, each once, alphabetically (the topic filter)."""
    return list(
        article_list(actor=actor).exclude(topic="").order_by("topic").values_list("topic", flat=True).distinct()
    )


def article_draft(*, actor: Actor, article: Article) -> ArticleDraft | None:
    """The article's working copy, for knowledge managers (and admins) only."""
    if not permissions.can_edit_article(actor, article):
        return None
    return ArticleDraft.objects.filter(article=article).select_related("author").first()


def article_versions(*, article: Article) -> QuerySet[ArticleVersion]:
    """Published versions, newest first, with their authors."""
    return article.versions.select_related("author", "published_by").order_by("-number")

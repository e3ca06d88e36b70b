"""An agent's search of the knowledge base, logged for knowledge managers (zero results, what was opened)."""

from __future__ import annotations

from typing import Any

from agents.models import User
from agents.permissions import Actor
from knowledge.models import Article, SearchLog
from knowledge.selectors import Hit, article_search


def article_search_logged(*, actor: Actor, query: str, **filters: Any) -> list[Hit]:
    """Searches (``knowledge.selectors.article_search``) and records the query with its result count."""
    hits = article_search(actor=actor, query=query, **filters)
    if (query or "").strip():
        SearchLog.objects.create(
            query=query.strip()[:200], results=len(hits), user=actor if isinstance(actor, User) else None
        )
    return hits


def search_log_click(*, actor: User, query: str, article: Article) -> bool:
    """The agent opened ``article`` from its latest search for ``query``: that search found something."""
    last = SearchLog.objects.filter(user=actor, query=(query or "").strip()[:200]).order_by("-at").first()
    if last is None or last.clicked_id is not None:
        return False
    return bool(SearchLog.objects.filter(pk=last.pk, clicked__isnull=True).update(clicked=article))

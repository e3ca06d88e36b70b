"""Who reads and who curates the knowledge base."""

from __future__ import annotations

from agents.models import Role
from agents.permissions import Actor, can_edit_knowledge, can_read_knowledge, id_of, role_of, served_program_ids
from knowledge.models import Article, ArticleDraft


def can_view_article(actor: Actor | None, article: Article) -> bool:
    if not can_read_knowledge(actor):
        return False
    in_scope = article.program_id is None or article.program_id in served_program_ids(actor)
    if can_edit_knowledge(actor):
        return in_scope or role_of(actor) == Role.ADMIN or role_of(actor) == Role.KNOWLEDGE_MANAGER
    return in_scope and article.status == "published"


def can_edit_article(actor: Actor | None, article: Article) -> bool:
    return can_edit_knowledge(actor)


def can_review_draft(actor: Actor | None, draft: ArticleDraft) -> bool:
    """A second knowledge manager reviews: never the draft's author."""
    return can_edit_knowledge(actor) and draft.author_id != id_of(actor)


def can_edit_knowledge_base(actor: Actor | None) -> bool:
    return can_edit_knowledge(actor)

"""Who reads and who curates the knowledge base."""

from __future__ import annotations

from typing import Any

from agents.models import Role
from agents.permissions import can_edit_knowledge, can_read_knowledge, served_program_ids


def can_view_article(actor: Any, article: Any) -> bool:
    if not can_read_knowledge(actor):
        return False
    in_scope = article.program_id is None or article.program_id in served_program_ids(actor)
    if can_edit_knowledge(actor):
        return in_scope or actor.role == Role.ADMIN or actor.role == Role.KNOWLEDGE_MANAGER
    return in_scope and article.status == "published"


def can_edit_article(actor: Any, article: Any) -> bool:
    return can_edit_knowledge(actor)


def can_review_draft(actor: Any, draft: Any) -> bool:
    """A second knowledge manager reviews: never the draft's author."""
    return can_edit_knowledge(actor) and draft.author_id != actor.pk


def can_edit_knowledge_base(actor: Any) -> bool:
    return can_edit_knowledge(actor)

"""Suggested articles and scripts on the ticket and call pages."""

from __future__ import annotations

from typing import Any

from agents.permissions import Actor
from config.pages import Panel
from knowledge.selectors import article_suggestions


def ticket_suggestions_panel(*, ticket: Any, actor: Actor) -> Panel:
    articles = article_suggestions(actor=actor, category=ticket.category, text=f"{ticket.subject} {ticket.description}")
    return Panel(
        "kb", "Suggested articles", "knowledge/panels/suggestions.html", {"articles": articles, "ticket": ticket}, 15
    )


def call_suggestions_panel(*, call: Any, actor: Actor) -> Panel:
    category = call.ticket.category if call.ticket_id and call.ticket else None
    articles = article_suggestions(actor=actor, category=category, text=call.notes)
    return Panel(
        "kb", "Scripts and articles", "knowledge/panels/suggestions.html", {"articles": articles, "call": call}, 15
    )

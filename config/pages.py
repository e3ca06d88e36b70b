"""Page hooks: what each app contributes to the customer, ticket, call and workspace pages.

An app lists callables on its AppConfig:

    class TicketsConfig(AppConfig):
        customer_panels = ["tickets.panels.open_tickets_panel"]
        customer_timeline_sources = ["tickets.panels.ticket_timeline"]

A panel callable is ``(*, customer, actor) -> Panel | None`` and must run a fixed
number of queries whatever the customer's history (the 360 page's query count
is pinned). A timeline source is ``(*, customer, actor, before, limit) ->
list[TimelineEntry]``, newest first, at most ``limit`` entries older than
``before`` (when given). The crm app merges them.

The agent workspace (``/``) works the same way with ``workspace_panels``:
callables ``(*, actor) -> Panel | None`` (overdue follow-ups, my tickets, ...),
and so do the ticket page (``ticket_panels``: ``(*, ticket, actor)``) and the
call page (``call_panels``: ``(*, call, actor)``): use ``panels_from(hook, **kwargs)``.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.utils.dateparse import parse_datetime

from config.hooks import app_hooks


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    template: str
    context: dict[str, Any]
    order: int = 100


@dataclass(frozen=True)
class TimelineEntry:
    kind: str  # "call", "ticket", "note", "approval", "follow_up", ...
    at: datetime
    object_id: int
    title: str
    summary: str = ""
    url: str = ""
    data: dict[str, Any] = field(default_factory=dict)


# Who looks at the page. config sits below the app that defines the user model, so it names Django's base.
Viewer = AbstractBaseUser | AnonymousUser


def panels_for(*, customer: models.Model, actor: Viewer) -> list[Panel]:
    return panels_from("customer_panels", customer=customer, actor=actor)


def timeline_for(
    *, customer: models.Model, actor: Viewer, before: datetime | None = None, limit: int = 50
) -> list[TimelineEntry]:
    streams = [
        hook(customer=customer, actor=actor, before=before, limit=limit)
        for hook in app_hooks("customer_timeline_sources")
    ]
    merged = heapq.merge(*streams, key=lambda entry: entry.at, reverse=True)
    return [entry for _, entry in zip(range(limit), merged, strict=False)]


def workspace_panels_for(*, actor: Viewer) -> list[Panel]:
    return panels_from("workspace_panels", actor=actor)


def panels_from(hook_name: str, **kwargs: Any) -> list[Panel]:
    """Panels any app contributes through ``hook_name`` on its AppConfig."""
    panels = [panel for hook in app_hooks(hook_name) if (panel := hook(**kwargs))]
    return sorted(panels, key=lambda p: (p.order, p.key))


def parse_before(value: str) -> datetime | None:
    """The ``before`` cursor of a timeline page; a malformed one means "from the newest"."""
    try:
        return parse_datetime(value)
    except ValueError:
        return None

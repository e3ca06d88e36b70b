"""The main menu, by role: each entry shows when its predicate allows it and its URL exists."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse

from agents import permissions
from agents.models import Role
from agents.permissions import Actor


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    allowed: Callable[[Any], bool]
    key: str  # a stable name for tests and CSS


NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem("Workspace", "home", permissions.can_use_workspace, "workspace"),
    NavItem("Customers", "crm:customer_list", permissions.can_use_workspace, "customers"),
    NavItem("Tickets", "tickets:ticket_list", permissions.can_use_workspace, "tickets"),
    NavItem("Campaigns", "outbound:campaign_list", permissions.can_use_workspace, "campaigns"),
    NavItem("Approvals", "approvals:approval_queue", permissions.can_view_approval_queue, "approvals"),
    NavItem("Dashboard", "reports:dashboard", permissions.can_watch_floor, "dashboard"),
    NavItem("Wallboard", "reports:wallboard", permissions.can_watch_floor, "wallboard"),
    NavItem("Quality", "quality:review_home", permissions.can_use_quality_pages, "quality"),
    NavItem("Knowledge base", "knowledge:article_list", permissions.can_read_knowledge, "kb"),
    NavItem("API docs", "api-docs", permissions.can_use_api, "api-docs"),
    NavItem("Admin", "admin:index", permissions.can_access_admin_site, "admin"),
)


def nav_for(user: Actor) -> list[dict[str, str]]:
    items = []
    for item in NAV_ITEMS:
        if not item.allowed(user):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue  # the feature is not installed in this build
        items.append({"label": item.label, "url": url, "key": item.key})
    return items


# Where each role starts after signing in: the page it works from.
LANDING: dict[str, str] = {
    Role.AGENT: "home",  # the workspace: search box, call bar, what is due
    Role.SUPERVISOR: "tickets:ticket_list",  # opens on the supervisor's team queue
    Role.MANAGER: "reports:dashboard",
    Role.KNOWLEDGE_MANAGER: "knowledge:article_list",
    Role.QA_REVIEWER: "quality:review_home",
    Role.INTEGRATOR: "api-docs",
    Role.ADMIN: "home",
}


def landing_url(user: Actor) -> str:
    try:
        return reverse(LANDING.get(getattr(user, "role", ""), "home"))
    except NoReverseMatch:
        return reverse("home")

from typing import Any

from django.http import HttpRequest

from agents.models import AgentState, User
from agents.navigation import nav_for
from agents.permissions import can_use_workspace, can_watch_floor
from agents.selectors import agent_desk, notification_unread_count
from config.push import push_url_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    if getattr(request, "htmx", False):
        # A fragment for an htmx request (as-you-type search, a polled queue, the call bar): its view passes
        # what it shows, and the page's top bar stays as it is, so none of the top bar's queries run.
        return {"page_path": page_path(request)}
    context = {
        "nav_items": nav_for(user),
        "unread_notifications": notification_unread_count(actor=user),
        "push_url": push_url_for(request),
        "page_path": page_path(request),
        "can_watch_floor": can_watch_floor(user),
    }
    if can_use_workspace(user):
        context.update(state_menu_context(user))
    return context


def state_menu_context(user: User) -> dict[str, object]:
    """What the top bar's state menu shows: the current state and the choices (one query)."""
    desk = agent_desk(agent=user)
    state = desk["state"]
    current = f"break:{desk['reason']}" if desk["reason"] else state
    choices = [(AgentState.AVAILABLE.value, "Available")]
    choices += [(f"break:{r['code']}", f"Break: {r['label']}") for r in desk["reasons"]] or [("break", "Break")]
    choices.append((AgentState.OFFLINE.value, "Offline"))
    if state in (AgentState.ON_CALL, AgentState.WRAP_UP):
        choices.insert(0, (state, AgentState(state).label))
    return {"agent_state": state, "agent_state_value": current, "agent_state_choices": choices}


def page_path(request: HttpRequest) -> str:
    """The page the user is looking at: where a plain form post goes back to. A fragment rendered for an
    htmx request (the call bar after "hold") belongs to the page that asked, not to the fragment's URL."""
    htmx = getattr(request, "htmx", None)
    return (htmx.current_url_abs_path if htmx else None) or request.get_full_path()

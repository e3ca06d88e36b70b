from typing import Any

from django.http import HttpRequest

from agents.navigation import nav_for
from agents.selectors import notification_unread_count


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": nav_for(user), "unread_notifications": notification_unread_count(actor=user)}

"""How a lower app reaches a higher one without importing it (DESIGN.md, layers).

An app lists dotted paths of callables under a hook name on its AppConfig::

    class TicketsConfig(AppConfig):
        customer_panels = ["tickets.panels.open_tickets_panel"]
        retention_planners = ["tickets.retention.closed_tickets_plan"]

and the lower app asks ``app_hooks("customer_panels")``. The hooks used today:
``customer_panels``, ``customer_timeline_sources``, ``workspace_panels``,
``ticket_panels``, ``call_panels`` (see ``config.pages``), ``retention_planners``
(see ``crm.services.retention``), ``customer_search_sources`` (see ``crm.selectors``),
``customer_open_tickets`` (see ``crm.views``), ``event_subscribers`` (see ``config.events``),
``availability_blockers`` (see ``agents.services.states``) and ``program_settings`` (models, see
``agents.settings_cache``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from django.apps import apps
from django.utils.module_loading import import_string


@cache
def app_hooks(name: str) -> tuple[Callable[..., Any], ...]:
    """Every installed app's callables for hook ``name``, in INSTALLED_APPS order."""
    found: list[Callable[..., Any]] = []
    for config in apps.get_app_configs():
        found.extend(import_string(path) for path in getattr(config, name, ()))
    return tuple(found)

"""The agent's own numbers on the workspace: today and this week against the program's targets."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from agents.models import Role
from agents.permissions import Actor, is_active_user, served_program_ids
from config.pages import Panel
from reports.selectors import Query, metrics_total, targets_for
from reports.views import FIGURES, scorecard

# What an agent is measured by, in the panel's order (a subset of the dashboard's).
MY_FIGURES = ("handled", "aht_seconds", "fcr_rate", "transfer_rate", "occupancy", "csat", "qa_score")


def my_numbers_panel(*, actor: Actor) -> Panel | None:
    if not is_active_user(actor) or actor.role != Role.AGENT:
        return None
    tz = timezone.get_current_timezone()
    today = datetime.combine(timezone.localdate(), time(), tzinfo=tz)
    week = today - timedelta(days=today.weekday())
    programs = sorted(served_program_ids(actor))
    targets = targets_for(programs[0]) if len(programs) == 1 else None
    day_cards = scorecard(
        metrics_total(actor=actor, query=Query(start=today, end=today + timedelta(days=1), tz=tz)), targets
    )
    week_cards = scorecard(
        metrics_total(actor=actor, query=Query(start=week, end=today + timedelta(days=1), tz=tz)), targets
    )
    labels = {name: label for name, label, _, _ in FIGURES}
    rows = [
        {"label": labels[d["name"]], "today": d, "week": w}
        for d, w in zip(day_cards, week_cards, strict=True)
        if d["name"] in MY_FIGURES
    ]
    return Panel("my_numbers", "My numbers", "reports/panels/my_numbers.html", {"rows": rows}, 40)

"""The supervisor's dashboard, an agent's drill-down, and the metrics export (figures from reports.selectors)."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from agents.decorators import role_required
from agents.http import AuthenticatedRequest
from agents.models import AgentState
from agents.permissions import can_set_agent_state, can_watch_floor
from agents.selectors import program_list, user_get
from reports.forms import DashboardFilterForm
from reports.models import ProgramTargets
from reports.selectors import (
    MetricRow,
    Query,
    Totals,
    agent_calls,
    agent_team_names,
    dashboard_teams,
    meets,
    metrics,
    metrics_by_group,
    metrics_total,
    sum_totals,
    targets_for,
)
from reports.selectors import wallboard as wallboard_of

# How often the wallboard's live part is asked again.
WALLBOARD_REFRESH_SECONDS = 5
# What a scorecard shows, in order: (field of Totals.figures(), label, format, the target's field or None).
FIGURES = [
    ("offered", "Offered", "count", None),
    ("handled", "Handled", "count", None),
    ("abandoned", "Abandoned", "count", None),
    ("aht_seconds", "Average handle time", "duration", "aht_seconds"),
    ("asa_seconds", "Average speed of answer", "duration", "asa_seconds"),
    ("service_level", "Service level", "percent", "service_level"),
    ("abandon_rate", "Abandon rate", "percent", "abandon_rate"),
    ("fcr_rate", "First-contact resolution", "percent", "fcr_rate"),
    ("transfer_rate", "Transfer rate", "percent", None),
    ("occupancy", "Occupancy", "percent", None),
    ("csat", "CSAT (4-5 of 5)", "percent", "csat"),
    ("qa_score", "QA score", "percent", "qa_score"),
    ("tickets_opened", "Tickets opened", "count", None),
    ("tickets_resolved", "Tickets resolved", "count", None),
    ("sla_met_rate", "Resolved within SLA", "percent", None),
    ("approval_turnaround_seconds", "Approval turnaround", "duration", None),
    ("callbacks_on_time_rate", "Callbacks kept on time", "percent", None),
]


def shown(value: float | int | None, kind: str) -> str:
    """A figure as people read it: 82.5%, 3:17 (minutes:seconds), 1,204; an em dash when nothing counted."""
    if value is None:
        return "—"
    if kind == "percent":
        return f"{value * 100:.1f}%"
    if kind == "duration":
        seconds = round(value)
        return f"{seconds // 60}:{seconds % 60:02d}"
    return f"{value:,}"


def scorecard(totals: Totals, targets: ProgramTargets | None) -> list[dict[str, Any]]:
    """Each figure with its program's target and whether it meets it (no targets across several programs)."""
    figures = totals.figures()
    cards = []
    for name, label, kind, target_field in FIGURES:
        target = getattr(targets, target_field) if targets is not None and target_field else None
        cards.append(
            {
                "name": name,
                "label": label,
                "value": shown(figures[name], kind),
                "target": shown(target, kind) if target is not None else "",
                "meets": meets(name, figures[name], target),
            }
        )
    return cards


def bar_chart(rows: list[MetricRow], name: str, kind: str, *, target: float | None = None) -> dict[str, Any]:
    """Geometry for an SVG bar chart of one figure per interval (the page shows its table beside it)."""
    width, height, gap = 720, 160, 4
    values = [row.totals.figures()[name] for row in rows]
    top = 1.0 if kind == "percent" else max([v for v in values if v is not None] + [target or 0, 1])
    step = width / max(len(rows), 1)
    bars = []
    for index, (row, value) in enumerate(zip(rows, values, strict=True)):
        h = 0 if value is None else round(height * value / top, 1)
        bars.append(
            {
                "x": round(index * step + gap / 2, 1), "y": round(height - h, 1), "w": round(max(step - gap, 1), 1),
                "h": h, "label": row.start, "value": shown(value, kind),
            }
        )  # fmt: skip
    target_y = round(height - height * target / top, 1) if target is not None else None
    return {"width": width, "height": height, "bars": bars, "target_y": target_y, "target": shown(target, kind)}


def _single_program(actor: Any, query: Query) -> int | None:
    if query.program is not None:
        return query.program
    programs = list(program_list(actor=actor).values_list("pk", flat=True)[:2])
    return programs[0] if len(programs) == 1 else None


@role_required(can_watch_floor, "The dashboard is for supervisors, managers and admins.")
@require_GET
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    """Today and a chosen range against target; trends; teams, and a team's agents, to drill into."""
    actor = request.user
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    form = DashboardFilterForm(
        request.GET or None,
        programs=list(program_list(actor=actor).values_list("pk", "name")),
        teams=dashboard_teams(actor=actor),
    )
    query = form.query(tz=tz, today=today)
    midnight = datetime.combine(today, time(), tzinfo=tz)
    today_query = replace(query, start=midnight, end=midnight + timedelta(days=1), interval="day")
    program_id = _single_program(actor, query)
    trend = metrics(actor=actor, query=query)
    targets = targets_for(program_id) if program_id is not None else None
    groups = metrics_by_group(actor=actor, query=replace(query, group_by="agent" if query.team else "team"))
    return render(
        request,
        "reports/dashboard.html",
        {
            "form": form,
            "query": query,
            "today": scorecard(metrics_total(actor=actor, query=today_query), targets),
            "range": scorecard(sum_totals(trend), targets),  # the trend's intervals make up the range
            "trend_rows": [{"row": row, "figures": _shown_figures(row.totals)} for row in trend],
            "offered_chart": bar_chart(trend, "offered", "count"),
            "service_chart": bar_chart(
                trend, "service_level", "percent", target=targets.service_level if targets else None
            ),
            "qa_chart": bar_chart(trend, "qa_score", "percent", target=targets.qa_score if targets else None),
            "groups": [{"row": row, "figures": _shown_figures(row.totals)} for row in groups],
            "group_by": "agent" if query.team else "team",
            "filters": request.GET.urlencode(),
            "export_query": _export_query(query),
        },
    )


def _shown_figures(totals: Totals) -> dict[str, str]:
    figures = totals.figures()
    return {name: shown(figures[name], kind) for name, _, kind, _ in FIGURES}


def _export_query(query: Query) -> str:
    params = {"from": query.start.isoformat(), "to": query.end.isoformat(), "interval": query.interval}
    params |= {"tz": str(query.tz), "group_by": "agent" if query.team else "team"}
    params |= {name: getattr(query, name) for name in ("program", "team") if getattr(query, name)}
    return urlencode(params)


@role_required(can_watch_floor, "The dashboard is for supervisors, managers and admins.")
@require_GET
def agent_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """One agent's figures for the range and the calls behind them, newest first."""
    agent = user_get(pk=pk)
    if agent is None or not can_set_agent_state(request.user, agent):
        raise Http404
    tz = timezone.get_current_timezone()
    form = DashboardFilterForm(request.GET or None, programs=[], teams=[])
    query = replace(form.query(tz=tz, today=timezone.localdate()), program=None, team=None, agent=agent.pk)
    calls = agent_calls(actor=request.user, agent=agent, start=query.start, end=query.end)
    return render(
        request,
        "reports/agent.html",
        {
            "agent": agent,
            "teams": agent_team_names(agent=agent),
            "query": query,
            "form": form,
            "range": scorecard(metrics_total(actor=request.user, query=query), None),
            "calls": calls,
        },
    )


# The rows' keys, then every figure under the name the API gives it.
CSV_FIELDS = ["start", "end", "group", "key", "label", *Totals().figures()]


def export_rows(rows: list[MetricRow], query: Query) -> HttpResponse:
    """The rows as CSV: the same figures as the API and the dashboard, times in the query's zone."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                "start": row.start.astimezone(query.tz).isoformat(),
                "end": row.end.astimezone(query.tz).isoformat(),
                "group": row.group,
                "key": "" if row.key is None else row.key,
                "label": _cell(row.label),
                **{k: "" if v is None else v for k, v in row.totals.figures().items()},
            }
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    stamp = f"{query.start.astimezone(query.tz):%Y%m%d}-{query.end.astimezone(query.tz):%Y%m%d}"
    response["Content-Disposition"] = f'attachment; filename="metrics-{query.interval}-{stamp}.csv"'
    return response


def _cell(text: str) -> str:
    """A name as a spreadsheet shows it, never as a formula it runs (OWASP "CSV injection")."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@role_required(can_watch_floor, "The wallboard is for supervisors, managers and admins.")
@require_GET
def wallboard(request: AuthenticatedRequest) -> HttpResponse:
    """The live floor for a big screen; the page asks for its live part again every few seconds."""
    board = wallboard_of(actor=request.user)
    now = timezone.now()
    figures = board.today.figures()
    context = {
        "board": board,
        "now": now,
        "longest_wait": _since(board.calls.longest_wait_since, now),
        "oldest_approval": _since(board.oldest_approval_since, now),
        "agents": [{**agent, "for": _since(agent["since"], now)} for agent in board.agents],
        "states": [(state, label, board.state_counts[state]) for state, label in AgentState.choices],
        "service_level": shown(figures["service_level"], "percent"),
        "service_level_target": shown(board.service_level_target, "percent") if board.service_level_target else "",
        "service_level_meets": meets("service_level", figures["service_level"], board.service_level_target),
        "refresh_seconds": WALLBOARD_REFRESH_SECONDS,
    }
    template = "reports/_wallboard.html" if request.htmx else "reports/wallboard.html"
    return render(request, template, context)


def _since(moment: datetime | None, now: datetime) -> str:
    """Time elapsed as a wallboard shows it: 42 s, 3:07, 1 h 05."""
    if moment is None:
        return "—"
    seconds = max(0, int((now - moment).total_seconds()))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60}:{seconds % 60:02d}"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d}"

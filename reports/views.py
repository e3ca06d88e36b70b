"""The supervisor's dashboard and the metrics export (figures from reports.selectors only)."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse

from reports.selectors import MetricRow, Query

CSV_FIELDS = [
    "start", "end", "group", "key", "label", "offered", "answered", "handled", "abandoned", "short_abandoned",
    "aht_seconds", "asa_seconds", "service_level", "abandon_rate", "fcr_rate", "transfer_rate", "occupancy", "csat",
    "csat_mean", "csat_responses",
]  # fmt: skip


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

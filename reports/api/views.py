"""Contact-center metrics over the API, as JSON or CSV (DESIGN "metrics"; formulas in docs/metrics.md)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from config.api.serializers import Serializer
from reports.forms import MetricsQuerySerializer
from reports.selectors import MetricRow, Query, metrics, metrics_scope
from reports.views import export_rows

_RATIO = "A ratio 0-1, or null when nothing was counted"


class MetricRowSerializer(Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    program = serializers.IntegerField(required=False, help_text="With group_by=program")
    team = serializers.IntegerField(required=False, help_text="With group_by=team")
    agent = serializers.IntegerField(required=False, help_text="With group_by=agent")
    label = serializers.CharField(help_text="The group's name; `All` without grouping")  # type: ignore[assignment]
    offered = serializers.IntegerField()
    answered = serializers.IntegerField()
    handled = serializers.IntegerField()
    abandoned = serializers.IntegerField()
    short_abandoned = serializers.IntegerField()
    aht_seconds = serializers.FloatField(allow_null=True)
    asa_seconds = serializers.FloatField(allow_null=True)
    service_level = serializers.FloatField(allow_null=True, help_text=_RATIO)
    abandon_rate = serializers.FloatField(allow_null=True, help_text=_RATIO)
    fcr_rate = serializers.FloatField(allow_null=True, help_text=_RATIO)
    transfer_rate = serializers.FloatField(allow_null=True, help_text=_RATIO)
    occupancy = serializers.FloatField(allow_null=True, help_text=_RATIO)
    csat = serializers.FloatField(allow_null=True, help_text="Share of 4-5 answers; " + _RATIO)
    csat_mean = serializers.FloatField(allow_null=True)
    csat_responses = serializers.IntegerField()
    qa_score = serializers.FloatField(allow_null=True, help_text="Mean quality review score; " + _RATIO)
    qa_reviews = serializers.IntegerField(help_text="Quality reviews counted (submitted, acknowledged or decided)")
    qa_failed = serializers.IntegerField(help_text="Reviews failed on a critical criterion")
    tickets_opened = serializers.IntegerField()
    tickets_resolved = serializers.IntegerField()
    sla_met_rate = serializers.FloatField(allow_null=True, help_text="Resolved by the resolution due time; " + _RATIO)
    approvals_decided = serializers.IntegerField()
    approval_turnaround_seconds = serializers.FloatField(allow_null=True)
    callbacks_due = serializers.IntegerField()
    callbacks_on_time_rate = serializers.FloatField(allow_null=True, help_text=_RATIO)


# One object holding the rows, although it answers the list action (which the schema would show as an array).
@extend_schema_serializer(many=False)
class MetricsPageSerializer(Serializer):
    interval = serializers.CharField()
    group_by = serializers.CharField()
    time_zone = serializers.CharField()
    results = MetricRowSerializer(many=True)


def row_fields(row: MetricRow) -> dict[str, Any]:
    """One row as the API and the CSV export name its fields."""
    if row.group == "none":
        return row.totals.figures({"start": row.start, "end": row.end, "label": row.label})
    return row.totals.figures({"start": row.start, "end": row.end, row.group: row.key, "label": row.label})


_PARAMETERS = [
    OpenApiParameter("from", str, description="Start, ISO 8601 with its offset (default: 7 days before `to`)"),
    OpenApiParameter("to", str, description="End (exclusive), ISO 8601 with its offset (default: end of today)"),
    OpenApiParameter("interval", str, enum=["hour", "day", "week"], description="Default `day`"),
    OpenApiParameter("group_by", str, enum=["none", "program", "team", "agent"], description="Default `none`"),
    OpenApiParameter("program", int),
    OpenApiParameter("team", int),
    OpenApiParameter("agent", int, description="A user id"),
    OpenApiParameter("tz", str, description="Time zone of the interval edges, e.g. America/New_York"),
]


class MetricsViewSet(viewsets.ViewSet):
    """Supervisors see their teams, managers and integrators their programs, agents themselves."""

    def _query(self, request: Request) -> Query:
        if metrics_scope(request.user) is None:
            raise PermissionDenied("Your role has no contact-center metrics.")
        data = MetricsQuerySerializer(data=request.query_params, context={"user": request.user})
        data.is_valid(raise_exception=True)
        return data.validated_data["query"]

    @extend_schema(
        summary="Contact-center metrics per interval",
        description="Counts, averages and rates per interval, grouped as asked, within your scope. Each "
        "formula is in docs/metrics.md; the figures come from rollups at most a minute behind the calls.",
        parameters=_PARAMETERS,
        responses=MetricsPageSerializer,
    )
    def list(self, request: Request) -> Response:
        query = self._query(request)
        rows = [row_fields(row) for row in metrics(actor=request.user, query=query)]
        return Response(
            {"interval": query.interval, "group_by": query.group_by, "time_zone": str(query.tz), "results": rows}
        )

    @extend_schema(
        summary="The same metrics as CSV",
        parameters=_PARAMETERS,
        responses={(200, "text/csv"): str},
    )
    @action(detail=False, methods=["get"])
    def export(self, request: Request) -> HttpResponse:
        query = self._query(request)
        return export_rows(metrics(actor=request.user, query=query), query)

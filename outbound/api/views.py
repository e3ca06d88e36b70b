"""Campaigns over the API: set up and run them, load their contacts, and preview dialling."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from agents.http import api_actor
from config.api.pagination import KeysetPagination
from crm.selectors import call_get
from outbound import selectors
from outbound.api.serializers import (
    CampaignSerializer,
    ContactListInputSerializer,
    ContactSerializer,
    OutcomeInputSerializer,
)
from outbound.models import Campaign
from outbound.services import (
    ContactRow,
    campaign_create,
    campaign_import_contacts,
    campaign_next,
    campaign_set_status,
    campaign_update,
    contact_outcome,
)


@extend_schema_view(
    list=extend_schema(summary="Campaigns of your programs"),
    retrieve=extend_schema(summary="A campaign with its progress (contacts by state, attempts, reached rate)"),
    create=extend_schema(summary="Set up a campaign (supervisors, managers, admins)"),
    partial_update=extend_schema(summary="Change its settings, or its status (start, pause, resume, finish)"),
)
class CampaignViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = CampaignSerializer
    pagination_class = KeysetPagination
    filterset_fields = {"program": ["exact"], "status": ["exact"]}
    ordering_fields = ["created_at", "id"]
    ordering = ["created_at"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Campaign]:
        return selectors.campaign_list(actor=self.request.user)

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "with_progress": self.action != "list"}

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        given = self.get_serializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        data.pop("status", None)
        campaign = campaign_create(actor=api_actor(request), **data)
        return Response(self.get_serializer(campaign).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        campaign = self.get_object()
        given = self.get_serializer(campaign, data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        data.pop("program", None)
        target = data.pop("status", None)
        actor = api_actor(request)
        if data:
            campaign = campaign_update(actor=actor, campaign=campaign, **data)
        if target:
            campaign = campaign_set_status(actor=actor, campaign=campaign, status=target)
        return Response(self.get_serializer(campaign).data)

    @extend_schema(
        summary="The campaign's contacts (POST loads a list: all lines or none, merged onto customers by phone)",
        request=ContactListInputSerializer,
        responses={200: ContactSerializer(many=True), 201: OpenApiResponse(description="The import's report")},
    )
    @action(detail=True, methods=["get", "post"])
    def contacts(self, request: Request, pk: str | None = None) -> Response:
        campaign = self.get_object()
        if request.method == "POST":
            given = ContactListInputSerializer(data=request.data)
            given.is_valid(raise_exception=True)
            rows = [ContactRow(line=i, **row) for i, row in enumerate(given.validated_data["contacts"], start=1)]
            report = campaign_import_contacts(actor=api_actor(request), campaign=campaign, rows=rows)
            body = {"added": report.added, "matched": report.matched, "merged": report.merged}
            if not report.ok:
                details = {f"contacts[{line}]": [problem] for line, problem in report.errors}
                return Response(
                    {"code": "invalid", "message": "Nothing was imported: fix these lines.", "details": details},
                    status=status.HTTP_400_BAD_REQUEST,
                )
            return Response(body, status=status.HTTP_201_CREATED)
        page = self.paginate_queryset(selectors.campaign_contacts(campaign=campaign))
        return self.get_paginated_response(ContactSerializer(page, many=True).data)

    @extend_schema(
        summary="Preview dialling: the next contact for you to call (204: nobody may be called now)",
        request=None,
        responses={200: ContactSerializer, 204: OpenApiResponse(description="Nobody is eligible now")},
    )
    @action(detail=True, methods=["post"])
    def next(self, request: Request, pk: str | None = None) -> Response:
        contact = campaign_next(actor=api_actor(request), campaign=self.get_object())
        if contact is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(ContactSerializer(contact).data)

    @extend_schema(
        summary="What came of your call to the contact you hold: closes it or schedules its next attempt",
        request=OutcomeInputSerializer,
        responses=ContactSerializer,
    )
    @action(detail=True, methods=["post"])
    def outcome(self, request: Request, pk: str | None = None) -> Response:
        campaign = self.get_object()
        given = OutcomeInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        contact = selectors.campaign_contact_get(campaign=campaign, pk=data["contact"])
        if contact is None:
            raise Http404("No such contact in this campaign.")
        call = call_get(actor=request.user, pk=data["call"]) if data.get("call") else None
        if data.get("call") and call is None:
            raise Http404("No such call.")
        updated = contact_outcome(
            actor=api_actor(request), contact=contact, outcome=data["outcome"], note=data.get("note", ""), call=call
        )
        return Response(ContactSerializer(updated).data)

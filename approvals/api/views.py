"""The approval queue over the API, and billing's "approved, not yet applied" list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from agents.http import api_actor
from agents.models import User
from approvals import selectors
from approvals.models import STATUS_CHOICES, ApprovalKind, ApprovalRequest
from approvals.services import (
    approval_approve,
    approval_cancel,
    approval_mark_applied,
    approval_reject,
    approval_request,
)
from config.api.fields import input_request, scope_related
from config.api.serializers import ModelSerializer, Serializer
from crm.selectors import customer_list
from tickets.selectors import ticket_list


class ApprovalSerializer(ModelSerializer):
    kind = serializers.ChoiceField(choices=ApprovalKind.choices)
    status = serializers.ChoiceField(choices=STATUS_CHOICES, read_only=True)
    requested_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    decided_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ApprovalRequest
        fields = [
            "id",
            "created_at",
            "updated_at",
            "kind",
            "amount",
            "currency",
            "reason",
            "reference",
            "policy",
            "program",
            "team",
            "customer",
            "ticket",
            "status",
            "level",
            "requested_by",
            "decided_by",
            "decided_at",
            "decision_note",
            "applied_at",
        ]
        read_only_fields = [
            "id",
            "created_at",
            "updated_at",
            "program",
            "team",
            "status",
            "level",
            "requested_by",
            "decided_by",
            "decided_at",
            "decision_note",
            "applied_at",
        ]
        extra_kwargs = {"customer": {"required": False}, "ticket": {"required": False}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = input_request(self)
        if request is not None and "customer" in self.fields:
            # Related ids outside the caller's programs are "does not exist", never a leak.
            scope_related(self, customer=customer_list(actor=request.user), ticket=ticket_list(actor=request.user))


class DecisionSerializer(Serializer):
    note = serializers.CharField(required=False, allow_blank=True, help_text="Required to reject.")


@extend_schema_view(
    list=extend_schema(
        summary="Approval requests of your programs",
        parameters=[
            OpenApiParameter("applied", bool, description="Billing: false lists granted requests not yet applied."),
        ],
    ),
    create=extend_schema(summary="Ask for a refund, credit, fee waiver or exception"),
    retrieve=extend_schema(summary="An approval request"),
)
class ApprovalViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = ApprovalSerializer
    filterset_fields = {
        "status": ["exact", "in"],
        "kind": ["exact"],
        "team": ["exact"],
        "program": ["exact"],
        "customer": ["exact"],
        "created_at": ["gte", "lte"],
        "decided_at": ["gte", "lte"],
        "updated_at": ["gte", "lte"],
    }
    ordering_fields = ["created_at", "updated_at", "decided_at", "id"]
    ordering = ["created_at", "id"]

    def get_queryset(self) -> QuerySet[ApprovalRequest]:
        applied = {"false": False, "0": False, "true": True, "1": True}.get(
            self.request.query_params.get("applied", "")
        )
        return selectors.approval_list(actor=self.request.user, applied=applied)

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        serializer.instance = approval_request(
            actor=api_actor(self.request),
            kind=data["kind"],
            amount=data.get("amount"),
            currency=data.get("currency", ""),
            reason=data.get("reason", ""),
            reference=data.get("reference", ""),
            policy=data.get("policy", ""),
            customer=data.get("customer"),
            ticket=data.get("ticket"),
        )

    def get_object(self) -> ApprovalRequest:
        found = selectors.approval_get(actor=self.request.user, pk=self.kwargs["pk"])
        if found is None:
            raise Http404
        return found

    def _decide(self, request: Request, decide: Callable[..., ApprovalRequest]) -> Response:
        note = DecisionSerializer(data=request.data)
        note.is_valid(raise_exception=True)
        approval = decide(actor=api_actor(request), request=self.get_object(), note=note.validated_data.get("note", ""))
        return self._respond(approval)

    def _respond(self, approval: ApprovalRequest) -> Response:
        return Response(ApprovalSerializer(approval, context={"request": self.request}).data)

    @extend_schema(summary="Approve (409 if already decided)", request=DecisionSerializer, responses=ApprovalSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        return self._decide(request, approval_approve)

    @extend_schema(summary="Reject with a reason (409 if already decided)", request=DecisionSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        return self._decide(request, approval_reject)

    @extend_schema(summary="Withdraw your own pending request", request=None)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        return self._respond(approval_cancel(actor=api_actor(request), request=self.get_object()))

    @extend_schema(summary="Billing: mark a granted request as applied (idempotent)", request=None)
    @action(detail=True, methods=["post"], url_path="mark-applied")
    def mark_applied(self, request: Request, pk: str | None = None) -> Response:
        return self._respond(approval_mark_applied(actor=api_actor(request), request=self.get_object()))

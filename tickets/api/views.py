"""Tickets, their conversation and follow-ups over the API. Changes go through the services."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from agents.http import api_actor
from agents.selectors import team_get, user_get
from config.api.conditional import ConditionalUpdateMixin
from config.api.pagination import SEARCH_RESULTS, KeysetPagination, search_page
from crm.selectors import call_get, customer_ref
from tickets import selectors
from tickets.api.serializers import (
    CategorySerializer,
    CommentSerializer,
    FollowUpSerializer,
    FollowUpStatusSerializer,
    TicketCreateSerializer,
    TicketSerializer,
    TicketUpdateSerializer,
)
from tickets.models import Category, FollowUp, Ticket
from tickets.services import follow_ups as follow_up_services
from tickets.services import tickets as services


def _invalid(field: str, message: str) -> serializers.ValidationError:
    return serializers.ValidationError({field: [message]})


@extend_schema_view(
    list=extend_schema(
        summary="Tickets of your programs",
        description="Newest first, paged by cursor (follow `next`). With `q`, the best matches for those words "
        "in the subject, description and comments instead, on one page (typos tolerated).",
        parameters=[OpenApiParameter("q", str, description="Words to find, e.g. `broken oven`.")],
    ),
    retrieve=extend_schema(summary="A ticket"),
    create=extend_schema(summary="Open a ticket", request=TicketCreateSerializer, responses={201: TicketSerializer}),
    partial_update=extend_schema(
        summary="Change status, priority, assignee or team",
        description="Status changes follow the transition table; a forbidden one is 409 naming both states. "
        "A team change is a transfer and needs a `note`.",
        request=TicketUpdateSerializer,
        responses=TicketSerializer,
    ),
)
class TicketViewSet(
    ConditionalUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = TicketSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_fields = {
        "status": ["exact", "in"],
        "priority": ["exact"],
        "team": ["exact"],
        "program": ["exact"],
        "assignee": ["exact", "isnull"],
        "customer": ["exact"],
        "number": ["exact"],
        "updated_at": ["gte", "lte"],
        "created_at": ["gte", "lte"],
    }
    pagination_class = KeysetPagination
    ordering_fields = ["created_at", "updated_at", "id"]
    ordering = ["-created_at"]

    def get_queryset(self) -> QuerySet[Ticket]:
        return selectors.ticket_list(actor=self.request.user)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        query = request.query_params.get("q", "").strip()
        if not query:
            return super().list(request, *args, **kwargs)
        hits = selectors.ticket_search(actor=request.user, query=query, limit=SEARCH_RESULTS)
        return search_page(self.get_serializer(hits, many=True).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = TicketCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        customer = None
        if values.get("customer"):
            customer = customer_ref(actor=request.user, pk=values["customer"])
            if customer is None:
                raise _invalid("customer", "Unknown customer.")
        category = None
        if values.get("category"):
            category = selectors.category_get(actor=request.user, pk=values["category"])
            if category is None:
                raise _invalid("category", "Unknown category.")
        call = None
        if values.get("call"):
            call = call_get(actor=request.user, pk=values["call"])
            if call is None:
                raise _invalid("call", "Unknown call.")
        ticket = services.ticket_create(
            actor=api_actor(request),
            program=values.get("program"),
            subject=values["subject"],
            description=values.get("description", ""),
            customer=customer,
            category=category,
            priority=values["priority"],
            channel=values["channel"],
            tags=values.get("tags"),
            call=call,
            language=values.get("language", ""),
        )
        # The new ticket as created: every field the serializer reads is on it (no second read).
        return Response(TicketSerializer(ticket).data, status=201)

    def apply_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ticket = self.get_object()
        data = TicketUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if "team" in values:
            team = team_get(pk=values["team"])
            if team is None:
                raise _invalid("team", "Unknown team.")
            ticket = services.ticket_transfer(
                actor=api_actor(request), ticket=ticket, team=team, note=values.get("note", "")
            )
        if "assignee" in values:
            assignee = user_get(pk=values["assignee"]) if values["assignee"] else None
            if values["assignee"] and assignee is None:
                raise _invalid("assignee", "Unknown user.")
            ticket = services.ticket_assign(actor=api_actor(request), ticket=ticket, assignee=assignee)
        if "priority" in values:
            ticket = services.ticket_set_priority(actor=api_actor(request), ticket=ticket, priority=values["priority"])
        if "status" in values:
            ticket = services.ticket_transition(
                actor=api_actor(request), ticket=ticket, status=values["status"], note=values.get("note", "")
            )
        return Response(TicketSerializer(selectors.ticket_get(actor=request.user, pk=ticket.pk)).data)

    @extend_schema(
        summary="The ticket's conversation (POST adds a reply or internal note)",
        request=CommentSerializer,
        responses=CommentSerializer(many=True),
    )
    @action(detail=True, methods=["get", "post"])
    def comments(self, request: Request, pk: str | None = None) -> Response:
        ticket = self.get_object()
        if request.method == "POST":
            serializer = CommentSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            comment = services.ticket_comment_add(
                actor=api_actor(request),
                ticket=ticket,
                body=serializer.validated_data["body"],
                is_internal=serializer.validated_data.get("is_internal", True),
                from_customer=serializer.validated_data.get("from_customer", False),
            )
            return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)
        page = self.paginate_queryset(selectors.ticket_comments(ticket=ticket))
        return self.get_paginated_response(CommentSerializer(page, many=True).data)


@extend_schema_view(
    list=extend_schema(summary="Scheduled callbacks of your programs"),
    create=extend_schema(summary="Schedule a callback"),
    partial_update=extend_schema(summary="Mark a callback done or cancelled"),
)
class FollowUpViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = FollowUpSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_fields = {
        "status": ["exact"],
        "owner": ["exact"],
        "ticket": ["exact"],
        "customer": ["exact"],
        "due_at": ["gte", "lte"],
        "updated_at": ["gte", "lte"],
    }
    ordering_fields = ["due_at", "updated_at", "id"]
    ordering = ["due_at", "id"]

    def get_queryset(self) -> QuerySet[FollowUp]:
        return selectors.follow_up_list(actor=self.request.user)

    def perform_create(self, serializer: Any) -> None:
        values = serializer.validated_data
        serializer.instance = follow_up_services.follow_up_schedule(
            actor=api_actor(self.request),
            due_at=values["due_at"],
            ticket=values.get("ticket"),
            customer=values.get("customer"),
            owner=values.get("owner"),
            note=values.get("note", ""),
            reopen_ticket=values.get("reopen_ticket", False),
        )

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        follow_up = self.get_object()
        data = FollowUpStatusSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        wanted = data.validated_data["status"]
        if wanted == FollowUp.Status.DONE:
            follow_up = follow_up_services.follow_up_complete(actor=api_actor(request), follow_up=follow_up)
        elif wanted == FollowUp.Status.CANCELLED:
            follow_up = follow_up_services.follow_up_cancel(actor=api_actor(request), follow_up=follow_up)
        return Response(FollowUpSerializer(follow_up, context={"request": request}).data)

    def get_object(self) -> FollowUp:
        follow_up = selectors.follow_up_get(actor=self.request.user, pk=self.kwargs["pk"])
        if follow_up is None:
            raise Http404
        return follow_up


@extend_schema_view(
    list=extend_schema(summary="Ticket categories of your programs (each routes to its team, needing its skills)"),
    retrieve=extend_schema(summary="A category"),
)
class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CategorySerializer
    filterset_fields = {"program": ["exact"], "team": ["exact"]}
    ordering_fields = ["name", "id"]
    ordering = ["name", "id"]

    def get_queryset(self) -> QuerySet[Category]:
        return selectors.categories_of(actor=self.request.user)

"""An agent's state over the API: telephony (or a workforce tool) reads and sets it."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from agents.api.serializers import (
    AgentStateSerializer,
    AuditEventSerializer,
    MarkedReadSerializer,
    NotificationSerializer,
    TeamSerializer,
    UserSerializer,
)
from agents.http import api_actor
from agents.models import AgentState, AgentStateSpan, AuditEvent, Notification, Team, User
from agents.selectors import (
    agent_state_current,
    agent_watched,
    audit_event_list,
    notification_list,
    team_list,
    user_list,
)
from agents.services import agent_state_set, notification_mark_all_read, notification_mark_read
from config.api.pagination import FollowingPagination


def _body(agent: User, span: AgentStateSpan | None) -> dict[str, Any]:
    return {
        "username": agent.get_username(),
        "state": span.state if span else AgentState.OFFLINE,
        "reason": span.reason.code if span and span.reason else "",
        "since": span.started_at if span else None,
    }


class AgentStateView(APIView):
    def _agent(self, request: Request, username: str) -> User:
        # Someone the caller may not watch is "not found", never "forbidden" (invariant 5).
        agent = agent_watched(actor=api_actor(request), username=username)
        if agent is None:
            raise Http404
        return agent

    @extend_schema(summary="An agent's state now", responses=AgentStateSerializer)
    def get(self, request: Request, username: str) -> Response:
        agent = self._agent(request, username)
        return Response(AgentStateSerializer(_body(agent, agent_state_current(agent=agent))).data)

    @extend_schema(
        summary="Set an agent's state",
        description="Telephony reports the agent's phone state; `break` takes one of the program's break reason "
        "codes. `available` is refused (409) while one of the agent's calls waits for its wrap-up code.",
        request=AgentStateSerializer,
        responses=AgentStateSerializer,
    )
    def put(self, request: Request, username: str) -> Response:
        agent = self._agent(request, username)
        serializer = AgentStateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        span = agent_state_set(
            actor=api_actor(request),
            agent=agent,
            state=data["state"],
            reason=data.get("reason") or None,
            source="telephony" if api_actor(request).role == "integrator" else "api",
            at=data.get("at"),
        )
        return Response(AgentStateSerializer(_body(agent, span)).data, status=status.HTTP_200_OK)


@extend_schema_view(
    list=extend_schema(summary="Teams of your programs (languages and skills route work to them)"),
    retrieve=extend_schema(summary="A team"),
)
class TeamViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TeamSerializer
    ordering_fields = ["name", "id"]
    ordering = ["name", "id"]

    def get_queryset(self) -> QuerySet[Team]:
        return team_list(actor=self.request.user).prefetch_related("programs")


@extend_schema_view(
    list=extend_schema(summary="People of your programs (for assigning work and reading reports)"),
    retrieve=extend_schema(summary="A person"),
)
class UserViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = UserSerializer
    filterset_fields = {"role": ["exact"], "is_active": ["exact"]}
    ordering_fields = ["username", "id"]
    ordering = ["username", "id"]

    def get_queryset(self) -> QuerySet[User]:
        return user_list(actor=self.request.user)


@extend_schema_view(
    list=extend_schema(
        summary="The audit log, oldest first (administrators; a SIEM follows `next` from where it stopped)",
        description="Keyset pages, oldest first. `next` is always given: keep the last one and ask it again "
        "later for only what happened since.",
    ),
    retrieve=extend_schema(summary="An audit event"),
)
class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AuditEventSerializer
    pagination_class = FollowingPagination
    filterset_fields = {"action": ["exact"], "program": ["exact"], "at": ["gte", "lte"], "object_type": ["exact"]}
    ordering_fields = ["at", "id"]
    ordering = ["at", "id"]

    def get_queryset(self) -> QuerySet[AuditEvent]:
        return audit_event_list(actor=self.request.user)


@extend_schema_view(
    list=extend_schema(summary="Your notifications, newest first"),
    retrieve=extend_schema(summary="One of your notifications"),
)
class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = NotificationSerializer
    filterset_fields = {"read_at": ["isnull"], "kind": ["exact"]}
    ordering_fields = ["created_at", "id"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self) -> QuerySet[Notification]:
        return notification_list(actor=self.request.user)

    @extend_schema(summary="Mark it read", request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str | None = None) -> Response:
        notification = notification_mark_read(notification=self.get_object(), actor=api_actor(request))
        return Response(NotificationSerializer(notification).data)

    @extend_schema(summary="Mark every one read", request=None, responses={200: MarkedReadSerializer})
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        return Response({"marked": notification_mark_all_read(actor=api_actor(request))})

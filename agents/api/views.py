"""An agent's state over the API: telephony (or a workforce tool) reads and sets it."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from agents.api.serializers import AgentStateSerializer
from agents.http import api_actor
from agents.models import AgentState, AgentStateSpan, User
from agents.selectors import agent_state_current, agent_watched
from agents.services import agent_state_set


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

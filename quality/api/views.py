"""Surveys sent and answered, answers posted by IVR and SMS systems; scorecards and quality reviews (read)."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from agents.http import api_actor
from config.api.pagination import KeysetPagination
from quality import selectors
from quality.api.serializers import (
    ReviewSerializer,
    ScorecardSerializer,
    SurveyResponseInputSerializer,
    SurveyResponseSerializer,
    SurveySerializer,
)
from quality.models import Review, Scorecard, Survey, SurveyResponse
from quality.services.surveys import survey_response_record


@extend_schema_view(
    list=extend_schema(summary="Satisfaction surveys of your programs (owed, sent, answered, not sent)"),
    retrieve=extend_schema(summary="A survey"),
)
class SurveyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = SurveySerializer
    pagination_class = KeysetPagination
    filterset_fields = {
        "status": ["exact", "in"],
        "channel": ["exact"],
        "program": ["exact"],
        "agent": ["exact"],
        "team": ["exact"],
        "customer": ["exact"],
        "call": ["exact"],
        "ticket": ["exact"],
        "created_at": ["gte", "lte"],
    }
    ordering_fields = ["created_at", "id"]
    ordering = ["created_at"]

    def get_queryset(self) -> QuerySet[Survey]:
        return selectors.survey_list(actor=self.request.user)


@extend_schema_view(
    list=extend_schema(summary="Survey answers of your programs"),
    retrieve=extend_schema(summary="A survey answer"),
)
class SurveyResponseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = SurveyResponseSerializer
    pagination_class = KeysetPagination
    filterset_fields = {
        "score": ["exact", "lte", "gte"],
        "channel": ["exact"],
        "program": ["exact"],
        "agent": ["exact"],
        "team": ["exact"],
        "created_at": ["gte", "lte"],
    }
    ordering_fields = ["created_at", "id"]
    ordering = ["created_at"]

    def get_queryset(self) -> QuerySet[SurveyResponse]:
        return selectors.survey_response_list(actor=self.request.user)

    @extend_schema(
        summary="Record an answer collected by IVR or SMS (idempotent: the same answer again is 200, another 409)",
        request=SurveyResponseInputSerializer,
        responses={201: SurveyResponseSerializer, 200: SurveyResponseSerializer},
    )
    def create(self, request: Request) -> Response:
        given = SurveyResponseInputSerializer(data=request.data, context={"request": request})
        given.is_valid(raise_exception=True)
        data = given.validated_data
        response, created = survey_response_record(
            actor=api_actor(request),
            call=data.get("call"),
            ticket=data.get("ticket"),
            score=data["score"],
            comment=data.get("comment", ""),
            channel=data["channel"],
        )
        output = SurveyResponseSerializer(response, context={"request": request}).data
        return Response(output, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


@extend_schema_view(
    list=extend_schema(summary="Scorecards of your programs, each with its versions (newest first) and criteria"),
    retrieve=extend_schema(summary="A scorecard"),
)
class ScorecardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ScorecardSerializer
    pagination_class = KeysetPagination
    filterset_fields = {"program": ["exact"], "is_active": ["exact"]}
    ordering_fields = ["created_at", "id"]
    ordering = ["created_at"]

    def get_queryset(self) -> QuerySet[Scorecard]:
        return selectors.scorecard_list_with_versions(actor=self.request.user)


@extend_schema_view(
    list=extend_schema(
        summary="Quality reviews you may read: QA all of your programs', supervisors their teams' published "
        "reviews, agents their own"
    ),
    retrieve=extend_schema(summary="A quality review with its answers"),
)
class ReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ReviewSerializer
    pagination_class = KeysetPagination
    filterset_fields = {
        "status": ["exact", "in"],
        "program": ["exact"],
        "agent": ["exact"],
        "reviewer": ["exact"],
        "calibration": ["exact", "isnull"],
        "week": ["exact", "gte", "lte"],
        "submitted_at": ["gte", "lte"],
        "created_at": ["gte", "lte"],
    }
    ordering_fields = ["created_at", "id"]
    ordering = ["created_at"]

    def get_queryset(self) -> QuerySet[Review]:
        return selectors.review_list_with_answers(actor=self.request.user)

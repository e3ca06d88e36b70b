"""Read-only knowledge base API: articles, search and versions (curation happens in the web UI)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from agents.http import api_actor
from knowledge import selectors
from knowledge.api.serializers import ArticleSerializer, ArticleVersionSerializer, SearchHitSerializer
from knowledge.models import Article
from knowledge.services.search import article_search_logged


@extend_schema_view(list=extend_schema(summary="Articles you may read"), retrieve=extend_schema(summary="An article"))
class ArticleViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ArticleSerializer
    filterset_fields = {
        "kind": ["exact"],
        "status": ["exact"],
        "language": ["exact"],
        "audience": ["exact"],
        "topic": ["exact"],
        "program": ["exact", "isnull"],
        "updated_at": ["gte", "lte"],
    }
    ordering_fields = ["title", "updated_at", "published_at", "id"]
    ordering = ["title", "id"]

    def get_queryset(self) -> QuerySet[Article]:
        return selectors.article_list(actor=self.request.user)

    @extend_schema(
        summary="Search: title over summary over body, typo-tolerant, best first",
        parameters=[
            OpenApiParameter("q", str, required=True),
            OpenApiParameter("topic", str),
            OpenApiParameter("tag", str),
            OpenApiParameter("language", str),
            OpenApiParameter("audience", str),
        ],
        responses=SearchHitSerializer(many=True),
    )
    @action(detail=False, methods=["get"])
    def search(self, request: Request) -> Response:
        params: dict[str, Any] = {k: request.query_params.get(k, "") for k in ("topic", "tag", "language", "audience")}
        hits = article_search_logged(actor=api_actor(request), query=request.query_params.get("q", ""), **params)
        page = self.paginate_queryset(hits)
        return self.get_paginated_response(SearchHitSerializer(page, many=True).data)

    @extend_schema(summary="Published versions, newest first", responses=ArticleVersionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def versions(self, request: Request, pk: str | None = None) -> Response:
        article = selectors.article_get(actor=request.user, pk=pk)
        if article is None:
            raise Http404
        return Response(ArticleVersionSerializer(selectors.article_versions(article=article), many=True).data)

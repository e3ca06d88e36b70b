"""The knowledge base over the API: articles, search and versions for everyone who reads it; writing for knowledge
managers through the same review as on the web (a draft, submitted, published or sent back by another
knowledge manager, never its author)."""

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
from agents.selectors import program_list
from knowledge import selectors
from knowledge.api.serializers import (
    ArticleDraftSerializer,
    ArticleEditSerializer,
    ArticleInputSerializer,
    ArticleSerializer,
    ArticleVersionSerializer,
    SearchHitSerializer,
    SendBackSerializer,
)
from knowledge.models import Article
from knowledge.services.articles import (
    article_archive,
    article_create,
    article_edit,
    article_publish,
    article_send_back,
    article_submit,
)
from knowledge.services.search import article_search_logged
from tickets.selectors import category_get


@extend_schema_view(
    list=extend_schema(summary="Articles you may read"),
    retrieve=extend_schema(summary="An article"),
    create=extend_schema(
        summary="Write a new article (knowledge managers): a draft until another knowledge manager publishes it",
        request=ArticleInputSerializer,
        responses={201: ArticleSerializer},
    ),
    partial_update=extend_schema(
        summary="Change the working copy (knowledge managers); the live article stays until it is published",
        request=ArticleEditSerializer,
        responses=ArticleDraftSerializer,
    ),
)
class ArticleViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
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

    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Article]:
        return selectors.article_list(actor=self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        given = ArticleInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        program = data.pop("program", None)
        if program is not None:
            program = program_list(actor=request.user).filter(pk=program).first()
            if program is None:
                raise serializers.ValidationError({"program": ["Not one of your programs."]})
        category = data.pop("category", None)
        if category is not None:
            category = category_get(actor=request.user, pk=category, program_id=program.pk if program else None)
            if category is None:
                raise serializers.ValidationError({"category": ["Not a category of your programs (or this one)."]})
        article = article_create(actor=api_actor(request), program=program, category=category, **data)
        return Response(ArticleSerializer(article).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        article = self.get_object()
        given = ArticleEditSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        draft = article_edit(actor=api_actor(request), article=article, **given.validated_data)
        return Response(ArticleDraftSerializer(draft).data)

    @extend_schema(summary="The working copy (knowledge managers)", responses=ArticleDraftSerializer)
    @action(detail=True, methods=["get"])
    def draft(self, request: Request, pk: str | None = None) -> Response:
        article = self.get_object()
        draft = selectors.article_draft(actor=request.user, article=article)
        if draft is None:
            raise Http404
        return Response(ArticleDraftSerializer(draft).data)

    @extend_schema(summary="Ask another knowledge manager to review the working copy", request=None)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        return Response(ArticleSerializer(article_submit(actor=api_actor(request), article=self.get_object())).data)

    @extend_schema(
        summary="Publish the reviewed working copy (another knowledge manager than its author)",
        request=None,
        responses=ArticleVersionSerializer,
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        version = article_publish(actor=api_actor(request), article=self.get_object())
        return Response(ArticleVersionSerializer(version).data)

    @extend_schema(summary="Send the working copy back to its author", request=SendBackSerializer)
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request: Request, pk: str | None = None) -> Response:
        article = self.get_object()
        given = SendBackSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        article = article_send_back(actor=api_actor(request), article=article, **given.validated_data)
        return Response(ArticleSerializer(article).data)

    @extend_schema(summary="Archive the article (it leaves search)", request=None)
    @action(detail=True, methods=["post"])
    def archive(self, request: Request, pk: str | None = None) -> Response:
        return Response(ArticleSerializer(article_archive(actor=api_actor(request), article=self.get_object())).data)

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

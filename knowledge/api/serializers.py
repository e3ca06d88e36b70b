from __future__ import annotations

from rest_framework import serializers

from agents.models import User
from knowledge.models import Article, ArticleVersion


class ArticleSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=Article.Kind.choices)
    status = serializers.ChoiceField(choices=Article.Status.choices, read_only=True)

    class Meta:
        model = Article
        fields = [
            "id",
            "created_at",
            "updated_at",
            "title",
            "slug",
            "summary",
            "body",
            "kind",
            "steps",
            "status",
            "language",
            "audience",
            "topic",
            "tags",
            "program",
            "category",
            "translation_of",
            "review_due",
            "published_at",
        ]
        read_only_fields = fields


class SearchHitSerializer(serializers.Serializer):
    article = ArticleSerializer()
    rank = serializers.FloatField()
    snippet = serializers.CharField(help_text="HTML with <mark> around matches; everything else escaped.")


class ArticleVersionSerializer(serializers.ModelSerializer):
    author: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(slug_field="username", read_only=True)
    published_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )

    class Meta:
        model = ArticleVersion
        fields = [
            "id",
            "number",
            "title",
            "summary",
            "body",
            "steps",
            "change_note",
            "author",
            "published_by",
            "created_at",
        ]
        read_only_fields = fields

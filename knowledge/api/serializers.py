from __future__ import annotations

from rest_framework import serializers

from agents.models import User
from config.api.serializers import ModelSerializer, Serializer
from knowledge.models import LANGUAGES, Article, ArticleDraft, ArticleVersion, StepKind


class ArticleSerializer(ModelSerializer):
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


class SearchHitSerializer(Serializer):
    article = ArticleSerializer()
    rank = serializers.FloatField()
    snippet = serializers.CharField(help_text="HTML with <mark> around matches; everything else escaped.")


class ArticleVersionSerializer(ModelSerializer):
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


class StepSerializer(Serializer):
    kind = serializers.ChoiceField(choices=StepKind.choices, default=StepKind.SAY)
    text = serializers.CharField(max_length=2000)


class ArticleInputSerializer(Serializer):
    """A new article (a draft that another knowledge manager reviews before it is published)."""

    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(max_length=500, required=False, allow_blank=True)
    body = serializers.CharField(max_length=200_000, required=False, allow_blank=True, help_text="Markdown.")
    kind = serializers.ChoiceField(choices=Article.Kind.choices, default=Article.Kind.ARTICLE)
    steps = StepSerializer(many=True, required=False, help_text="Scripts: the steps in order.")
    language = serializers.ChoiceField(choices=LANGUAGES, default="en")
    audience = serializers.ChoiceField(choices=Article.Audience.choices, default=Article.Audience.INTERNAL)
    topic = serializers.CharField(max_length=80, required=False, allow_blank=True)
    tags = serializers.ListField(child=serializers.CharField(max_length=40), required=False, max_length=50)
    program = serializers.IntegerField(required=False, allow_null=True, help_text="Empty: every program.")
    category = serializers.IntegerField(required=False, allow_null=True)


class ArticleEditSerializer(Serializer):
    """A change to the working copy; the live article stays as it is until the change is published."""

    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(max_length=500, required=False, allow_blank=True)
    body = serializers.CharField(max_length=200_000, required=False, allow_blank=True)
    steps = StepSerializer(many=True, required=False)
    change_note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class ArticleDraftSerializer(ModelSerializer):
    author: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ArticleDraft
        fields = ["id", "updated_at", "title", "summary", "body", "steps", "change_note", "author", "state",
                  "review_comment"]  # fmt: skip
        read_only_fields = fields


class SendBackSerializer(Serializer):
    comment = serializers.CharField(max_length=10_000, help_text="What the author should change.")

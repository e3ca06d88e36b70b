"""Tickets, comments and follow-ups (field names are a contract: DESIGN.md)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from agents.models import User
from config.api.fields import AwareDateTimeField, input_request, scope_related
from config.api.serializers import ModelSerializer, Serializer
from crm.selectors import customer_list
from tickets.models import Category, Channel, Comment, FollowUp, Priority, Ticket
from tickets.selectors import ticket_list


class TicketSerializer(ModelSerializer):
    status = serializers.ChoiceField(choices=Ticket.Status.choices, read_only=True)

    class Meta:
        model = Ticket
        fields = [
            "id",
            "created_at",
            "updated_at",
            "number",
            "subject",
            "description",
            "customer",
            "program",
            "status",
            "priority",
            "category",
            "team",
            "assignee",
            "channel",
            "tags",
            "language",
            "first_response_due",
            "resolution_due",
            "sla_paused_at",
            "first_responded_at",
            "resolved_at",
            "closed_at",
            "sla_breached_at",
        ]
        read_only_fields = fields


class TicketCreateSerializer(Serializer):
    subject = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    customer = serializers.IntegerField(required=False, allow_null=True)
    program = serializers.IntegerField(required=False, help_text="Defaults to the customer's program.")
    category = serializers.IntegerField(required=False, allow_null=True)
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.API)
    tags = serializers.ListField(child=serializers.CharField(max_length=40), required=False)
    call = serializers.IntegerField(required=False, help_text="Link this logged call to the new ticket.")
    language = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=8,
        help_text="The conversation's language code (routing picks an agent who speaks it); "
        "defaults to the customer's preferred language.",
    )


class TicketUpdateSerializer(Serializer):
    status = serializers.ChoiceField(choices=Ticket.Status.choices, required=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    assignee = serializers.IntegerField(required=False, allow_null=True)
    team = serializers.IntegerField(required=False, help_text="Transfer; requires `note`.")
    note = serializers.CharField(required=False, allow_blank=True)


class CommentSerializer(ModelSerializer):
    author: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Comment
        fields = ["id", "created_at", "updated_at", "body", "is_internal", "from_customer", "author"]
        read_only_fields = ["id", "created_at", "updated_at", "author"]
        extra_kwargs = {
            "from_customer": {
                "help_text": "The customer's own words, relayed (an email gateway): public, and a ticket "
                "waiting on the customer goes back to open, restarting its SLA clock."
            }
        }


class FollowUpSerializer(ModelSerializer):
    status = serializers.ChoiceField(choices=FollowUp.Status.choices, required=False)
    due_at = AwareDateTimeField(help_text="With its UTC offset or Z; a time without one is refused.")

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "created_at",
            "updated_at",
            "ticket",
            "customer",
            "owner",
            "team",
            "due_at",
            "note",
            "status",
            "reopen_ticket",
            "notified_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at", "team", "notified_at"]
        extra_kwargs = {
            "owner": {
                "required": False,
                "help_text": "Whose call it is. Not given: yours when you sit on a team of the program, else "
                "routed (the customer's preferred agent or an available agent who speaks the customer's "
                "language); null when nobody was available: it waits in `team`'s queue.",
            },
            "team": {"help_text": "The queue an unowned callback waits in."},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = input_request(self)
        if request is not None:
            # Related ids outside the caller's programs are "does not exist", never a leak.
            scope_related(self, ticket=ticket_list(actor=request.user), customer=customer_list(actor=request.user))


class FollowUpStatusSerializer(Serializer):
    status = serializers.ChoiceField(
        choices=[FollowUp.Status.DONE, FollowUp.Status.CANCELLED],
        error_messages={
            "invalid_choice": "Set status to done or cancelled.",
            "required": "Set status to done or cancelled.",
        },
    )


class CategorySerializer(ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "program", "name", "team", "skills"]
        read_only_fields = fields

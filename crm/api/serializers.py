"""Customer, lookup, note and call representations (field names are a contract: DESIGN.md)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agents.models import AgentState, User
from agents.permissions import served_program_ids
from agents.selectors import program_list, user_list_active
from config.api.fields import AwareDateTimeField, input_request, scope_related
from config.api.serializers import ModelSerializer, Serializer
from crm.models import (
    Call,
    CallDirection,
    CallEventKind,
    ConsentChannel,
    ConsentPurpose,
    ConsentRecord,
    Customer,
    CustomerEmail,
    CustomerPhone,
    DataRequest,
    Disposition,
    DoNotCallEntry,
    Note,
    NoteFlag,
    Organization,
    WrapUpCode,
)
from crm.permissions import can_hear_call_recording
from crm.selectors import customer_ref
from crm.services.calls import CALL_FIELDS

FLAG_HELP = "One of: " + ", ".join(NoteFlag.values[1:])


class PhoneSerializer(ModelSerializer):
    number = serializers.CharField(max_length=40, help_text="Any common format on input; E.164 on output.")

    class Meta:
        model = CustomerPhone
        fields = ["number", "label", "is_primary"]


class EmailSerializer(ModelSerializer):
    address = serializers.EmailField()

    class Meta:
        model = CustomerEmail
        fields = ["address", "is_primary"]


class CustomerSerializer(ModelSerializer):
    # Reads a customer of ``selectors.customer_list_for_api`` (organization, contact points and flags
    # come as columns of the customer's row).
    organization = serializers.CharField(source="organization_name", allow_null=True, read_only=True)
    phones = PhoneSerializer(many=True, read_only=True, source="phone_rows")
    emails = EmailSerializer(many=True, read_only=True, source="email_rows")
    flags = serializers.SerializerMethodField(help_text="Flags of the customer's flagged notes, newest first.")

    class Meta:
        model = Customer
        fields = [
            "id",
            "created_at",
            "updated_at",
            "name",
            "program",
            "organization",
            "phones",
            "emails",
            "preferred_language",
            "time_zone",
            "preferred_agent",
            "tags",
            "do_not_call",
            "vip",
            "marketing_consent",
            "flags",
        ]
        read_only_fields = fields

    @extend_schema_field(
        serializers.ListField(child=serializers.CharField(help_text="caution, difficult, vip, vulnerable"))
    )
    def get_flags(self, customer: Customer) -> list[str]:
        return customer.flag_list  # type: ignore[attr-defined]


class CustomerInputSerializer(Serializer):
    name = serializers.CharField(max_length=200)
    program = serializers.IntegerField(required=False, help_text="Required when you serve several programs.")
    organization = serializers.CharField(max_length=200, required=False, allow_blank=True)
    phones = PhoneSerializer(many=True, required=False)
    emails = EmailSerializer(many=True, required=False)
    preferred_language = serializers.CharField(max_length=8, required=False)
    time_zone = serializers.CharField(max_length=64, required=False)
    preferred_agent = serializers.IntegerField(required=False, allow_null=True)
    tags = serializers.ListField(child=serializers.CharField(max_length=40), required=False)
    do_not_call = serializers.BooleanField(required=False)
    vip = serializers.BooleanField(required=False)
    marketing_consent = serializers.BooleanField(required=False)


class LookupInputSerializer(Serializer):
    phone = serializers.CharField(max_length=40, help_text="The caller's number, any common format.")
    dialed = serializers.CharField(
        max_length=40, required=False, allow_blank=True, help_text="The number the customer called (picks the program)."
    )


class RouteToAgentSerializer(Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    extension = serializers.CharField(help_text="The agent's telephony extension (may be empty).")
    state = serializers.ChoiceField(choices=AgentState.choices, help_text="The agent's state now.")
    available = serializers.BooleanField(help_text="Free to take the call now: route it to them.")


class LookupResultSerializer(CustomerSerializer):
    route_to_agent = RouteToAgentSerializer(
        read_only=True,
        allow_null=True,
        help_text="The customer's preferred agent and whether they are available now, so the phone system "
        "can route the call to them; null when the customer has none (or that agent left).",
    )

    class Meta(CustomerSerializer.Meta):
        fields = [*CustomerSerializer.Meta.fields, "route_to_agent"]
        read_only_fields = fields


class MergeInputSerializer(Serializer):
    duplicate = serializers.IntegerField(help_text="The id of the customer to fold into this one.")


class MergeResultSerializer(Serializer):
    customer = CustomerSerializer(help_text="The survivor, with the duplicate's numbers and addresses added.")
    moved = serializers.DictField(
        child=serializers.IntegerField(), help_text='Rows moved per kind of record, e.g. {"crm.Call": 3}.'
    )


class MergedSerializer(Serializer):
    code = serializers.CharField(help_text='"merged"')
    message = serializers.CharField()
    merged_into = serializers.IntegerField(help_text="The customer this one was merged into.")


class LookupOutputSerializer(Serializer):
    results = LookupResultSerializer(many=True, help_text="Best match first.")


class NoteSerializer(ModelSerializer):
    author: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(slug_field="username", read_only=True)
    flag = serializers.ChoiceField(choices=NoteFlag.choices, required=False, allow_blank=True)

    class Meta:
        model = Note
        fields = ["id", "created_at", "updated_at", "body", "flag", "author"]
        read_only_fields = ["id", "created_at", "updated_at", "author"]


class TimelineEntrySerializer(Serializer):
    kind = serializers.CharField(help_text="call, ticket, note, approval, follow_up, survey, ...")
    at = serializers.DateTimeField()
    object_id = serializers.IntegerField()
    title = serializers.CharField()
    summary = serializers.CharField()
    url = serializers.CharField()


DERIVED_FIELDS = [
    "state",
    "wait_seconds",
    "talk_seconds",
    "hold_seconds",
    "wrap_up_seconds",
    "wrap_up_code",
    "transferred",
    "wrap_up_done_at",
]


class CallSerializer(ModelSerializer):
    direction = serializers.ChoiceField(choices=CallDirection.choices)
    disposition = serializers.ChoiceField(choices=Disposition.choices, required=False, allow_blank=True)
    wrap_up_code: serializers.SlugRelatedField[WrapUpCode] = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        allow_null=True,  # null until the agent picks one
    )

    class Meta:
        model = Call
        fields = ["id", "created_at", "updated_at", "program", *CALL_FIELDS, *DERIVED_FIELDS]
        # The lifecycle's figures come from the timestamps and the call's events, never from input.
        read_only_fields = ["id", "created_at", "updated_at", *DERIVED_FIELDS]
        # (program, external_id) is an upsert key here, not a uniqueness error: the view decides.
        validators: list[Any] = []
        extra_kwargs = {
            "program": {"required": False},
            "started_at": {"required": False},
            "customer": {"queryset": Customer.objects.none()},
            "recording_url": {
                "help_text": "Where telephony keeps the audio. Read back only by QA reviewers, admins and users "
                "granted crm.view_call_recording; empty for everyone else."
            },
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = input_request(self)
        if request is not None and getattr(request, "user", None) is not None:
            actor = request.user
            # Related ids outside the caller's programs are "does not exist", never a leak. Lookups: telephony
            # logs a call with a customer many times a second, and rarely names the rest.
            # Tickets live in a higher app: reached through the relation, never imported.
            tickets = Call._meta.get_field("ticket").related_model._default_manager
            scope_related(
                self,
                customer=lambda pk: customer_ref(actor=actor, pk=pk),
                program=lambda pk: program_list(actor=actor).filter(pk=pk).first(),
                ticket=lambda pk: tickets.filter(pk=pk, program_id__in=served_program_ids(actor)).first(),
                agent=lambda pk: user_list_active().filter(pk=pk).first(),
            )

    def to_representation(self, instance: Call) -> dict[str, Any]:
        data = super().to_representation(instance)
        # Only asked when there is a link: the permission check may cost a query.
        request = self.context.get("request")
        if data.get("recording_url") and not can_hear_call_recording(getattr(request, "user", None), instance):
            data["recording_url"] = ""
        return data


class DataRequestInputSerializer(Serializer):
    reason = serializers.CharField(required=False, allow_blank=True)


class DataRequestSerializer(ModelSerializer):
    class Meta:
        model = DataRequest
        fields = ["id", "created_at", "updated_at", "kind", "customer", "status", "due_at", "completed_at"]
        read_only_fields = fields


class CallEventInputSerializer(Serializer):
    """DESIGN "call event": what telephony posts for every change of a call."""

    external_id = serializers.CharField(max_length=100)
    event = serializers.ChoiceField(choices=CallEventKind.choices)
    at = AwareDateTimeField()
    direction = serializers.ChoiceField(choices=CallDirection.choices, required=False)
    agent = serializers.CharField(required=False, allow_blank=True, max_length=150, help_text="The agent's username")
    phone_number = serializers.CharField(required=False, allow_blank=True, max_length=40)
    dialed = serializers.CharField(required=False, allow_blank=True, max_length=40)

    def validate_agent(self, value: str) -> User | None:
        if not value:
            return None
        agent = user_list_active().filter(username=value).first()
        if agent is None:
            raise serializers.ValidationError(f"No active user {value!r}.")
        return agent


class WrapUpCodeSerializer(ModelSerializer):
    class Meta:
        model = WrapUpCode
        fields = ["id", "created_at", "updated_at", "program", "code", "label", "resolves", "is_active", "position"]
        read_only_fields = fields


class ConsentSerializer(ModelSerializer):
    """One entry of the consent ledger (append-only: records are never changed)."""

    purpose = serializers.ChoiceField(choices=ConsentPurpose.choices)
    channel = serializers.ChoiceField(choices=ConsentChannel.choices)
    at = AwareDateTimeField(required=False, help_text="When the customer gave or withdrew it (default: now)")
    recorded_by = serializers.CharField(source="recorded_by_label", read_only=True)

    class Meta:
        model = ConsentRecord
        fields = [
            "id",
            "created_at",
            "customer",
            "purpose",
            "granted",
            "channel",
            "source",
            "at",
            "note",
            "recorded_by",
        ]
        read_only_fields = ["id", "created_at", "customer", "recorded_by"]


class DoNotCallEntrySerializer(ModelSerializer):
    number = serializers.CharField(max_length=40, help_text="Any common format; stored and shown as E.164")

    class Meta:
        model = DoNotCallEntry
        fields = ["id", "created_at", "updated_at", "program", "number", "source", "added_on"]
        read_only_fields = ["id", "created_at", "updated_at"]
        validators: list[Any] = []  # a number already listed is the entry as it was (200), not an error
        # Narrowed to the caller's programs in __init__; null is the shared list.
        # Required (null allowed): which list must be said, never guessed from an omission.
        extra_kwargs = {"program": {"help_text": "null: the shared list", "required": True, "allow_null": True}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = input_request(self)
        if request is not None and getattr(request, "user", None) is not None:
            scope_related(self, program=program_list(actor=request.user))


class OrganizationSerializer(ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "created_at", "updated_at", "program", "name"]
        read_only_fields = fields

"""Customers, the screen pop, notes, timelines and the call log over the API."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from agents.http import api_actor
from agents.models import Program
from agents.selectors import program_for_new_record, user_get
from config.api.conditional import ConditionalUpdateMixin
from config.api.pagination import SEARCH_RESULTS, KeysetPagination, search_page
from config.pages import parse_before as _before
from config.pages import timeline_for
from crm import selectors
from crm.api.serializers import (
    CallEventInputSerializer,
    CallSerializer,
    ConsentSerializer,
    CustomerInputSerializer,
    CustomerSerializer,
    DataRequestInputSerializer,
    DataRequestSerializer,
    DoNotCallEntrySerializer,
    LookupInputSerializer,
    LookupOutputSerializer,
    LookupResultSerializer,
    MergedSerializer,
    MergeInputSerializer,
    MergeResultSerializer,
    NoteSerializer,
    OrganizationSerializer,
    TimelineEntrySerializer,
    WrapUpCodeSerializer,
)
from crm.models import Call, Customer, DoNotCallEntry, Organization, WrapUpCode
from crm.services.calls import call_log_create, call_log_update, call_upsert
from crm.services.customers import (
    EmailInput,
    PhoneInput,
    customer_create,
    customer_update,
    customers_access_record,
)
from crm.services.do_not_call import do_not_call_add, do_not_call_remove
from crm.services.live_calls import call_event_record
from crm.services.merge import customer_merge
from crm.services.notes import note_create
from crm.services.outbound import consent_record


def _profile(data: dict[str, Any], *, program: Program) -> dict[str, Any]:
    profile: dict[str, Any] = {
        k: data[k]
        for k in ("preferred_language", "time_zone", "tags", "do_not_call", "vip", "marketing_consent")
        if k in data
    }
    if "preferred_agent" in data:
        agent_id = data["preferred_agent"]
        agent = user_get(pk=agent_id) if agent_id else None
        if agent_id and agent is None:
            raise serializers.ValidationError({"preferred_agent": ["Unknown user."]})
        profile["preferred_agent"] = agent
    return profile


@extend_schema_view(
    list=extend_schema(
        summary="List or search customers",
        parameters=[OpenApiParameter("q", str, description="Phone, name, email, organization or ticket number.")],
    ),
    retrieve=extend_schema(summary="A customer"),
    create=extend_schema(summary="Create a customer", request=CustomerInputSerializer),
    partial_update=extend_schema(summary="Change a customer", request=CustomerInputSerializer),
    update=extend_schema(summary="Replace a customer's profile", request=CustomerInputSerializer),
)
class CustomerViewSet(
    ConditionalUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = CustomerSerializer
    pagination_class = KeysetPagination
    ordering_fields = ["name", "updated_at", "created_at", "id"]
    ordering = ["id"]
    filterset_fields = {"program": ["exact"], "updated_at": ["gte", "lte"], "vip": ["exact"], "do_not_call": ["exact"]}

    def get_queryset(self) -> QuerySet[Customer]:
        return selectors.customer_list_for_api(actor=self.request.user)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Every customer a page shows is in the access log, as on the web."""
        query = request.query_params.get("q", "").strip()
        if not query:
            page = self.paginate_queryset(self.filter_queryset(self.get_queryset())) or []
            customers_access_record(customers=page, actor=api_actor(request))
            return self.get_paginated_response(self.get_serializer(page, many=True).data)
        # A search answers its best matches on one page, best first.
        matches = selectors.customer_search(actor=request.user, query=query, limit=SEARCH_RESULTS, for_api=True)
        customers_access_record(customers=[m.customer for m in matches], actor=api_actor(request))
        return search_page(self.get_serializer([m.customer for m in matches], many=True).data)

    @extend_schema(
        responses={
            200: CustomerSerializer,
            301: OpenApiResponse(
                MergedSerializer,
                description="The customer was merged into another: `Location` and `merged_into` name it.",
            ),
        }
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """A customer (in the access log). A merged customer's old id answers 301 with where it went."""
        try:
            return super().retrieve(request, *args, **kwargs)
        except Http404:
            survivor = selectors.customer_merged_into(actor=request.user, pk=kwargs.get("pk", ""))
            if survivor is None:
                raise
            message = f"Customer {kwargs['pk']} was merged into customer {survivor}."
            return Response(
                {"code": "merged", "message": message, "merged_into": survivor},
                status=status.HTTP_301_MOVED_PERMANENTLY,
                headers={"Location": reverse("customer-detail", args=[survivor])},
            )

    def get_object(self) -> Customer:
        """The customer of a detail route, in the access log once per request (an update reads it up to three
        times: the If-Match check, the change, the new ETag)."""
        customer = super().get_object()
        if not getattr(self, "_access_logged", False):
            customers_access_record(customers=[customer], actor=api_actor(self.request))
            self._access_logged = True
        return customer

    @extend_schema(
        summary="Merge a duplicate into this customer",
        description="Supervisors, managers and admins of the program. Every call, ticket, note, callback, "
        "approval, consent and survey of `duplicate` moves here, its numbers and addresses are added, and its "
        "id answers 301 from then on. Refused across programs, under legal hold, and for erased or merged "
        "records.",
        request=MergeInputSerializer,
        responses={200: MergeResultSerializer},
    )
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk: str | None = None) -> Response:
        survivor = self.get_object()
        given = MergeInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        duplicate = selectors.customer_ref(actor=request.user, pk=given.validated_data["duplicate"])
        if duplicate is None:
            raise serializers.ValidationError({"duplicate": ["No such customer in your programs."]})
        moved = customer_merge(actor=api_actor(request), survivor=survivor, duplicate=duplicate, request=request)
        output = selectors.customer_get(actor=request.user, pk=survivor.pk, for_api=True)
        return Response({"customer": self.get_serializer(output).data, "moved": moved})

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self._input(request)
        program = program_for_new_record(actor=api_actor(request), program=data.get("program"))
        customer, _duplicates = customer_create(
            actor=api_actor(request),
            program=program,
            name=data["name"],
            organization=data.get("organization"),
            phones=[PhoneInput(**p) for p in data.get("phones", [])],
            emails=[EmailInput(**e) for e in data.get("emails", [])],
            **_profile(data, program=program),
        )
        output = selectors.customer_get(actor=request.user, pk=customer.pk, for_api=True)
        return Response(self.get_serializer(output).data, status=status.HTTP_201_CREATED)

    def apply_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        customer = self.get_object()
        data = self._input(request, partial=kwargs.get("partial", False))
        changes = _profile(data, program=customer.program)
        if "name" in data:
            changes["name"] = data["name"]
        customer_update(
            actor=api_actor(request),
            customer=customer,
            organization=data.get("organization"),
            phones=[PhoneInput(**p) for p in data["phones"]] if "phones" in data else None,
            emails=[EmailInput(**e) for e in data["emails"]] if "emails" in data else None,
            **changes,
        )
        output = selectors.customer_get(actor=request.user, pk=customer.pk, for_api=True)
        return Response(self.get_serializer(output).data)

    def _input(self, request: Request, partial: bool = False) -> dict[str, Any]:
        serializer = CustomerInputSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    @extend_schema(
        summary="File an erasure request (right to be forgotten)",
        description="Admins and integrators only. The customer is anonymised after the grace period.",
        request=DataRequestInputSerializer,
        responses={202: DataRequestSerializer},
    )
    @action(detail=True, methods=["post"])
    def erasure(self, request: Request, pk: str | None = None) -> Response:
        from crm.services.erasure import data_request_create

        customer = self.get_object()
        data = DataRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        filed = data_request_create(
            actor=api_actor(request), customer=customer, kind="erasure", reason=data.validated_data.get("reason", "")
        )
        return Response(DataRequestSerializer(filed).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Screen pop: customers with this phone number",
        request=LookupInputSerializer,
        responses=LookupOutputSerializer,
    )
    @action(detail=False, methods=["post"])
    def lookup(self, request: Request) -> Response:
        serializer = LookupInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        found = selectors.customer_lookup(
            actor=api_actor(request),
            phone=serializer.validated_data["phone"],
            dialed=serializer.validated_data.get("dialed", ""),
        )
        customers_access_record(customers=found, actor=api_actor(request))
        return Response({"results": LookupResultSerializer(found, many=True).data})

    @extend_schema(
        summary="The customer's history, newest first",
        parameters=[OpenApiParameter("before", str, description="ISO time: entries older than this (next page).")],
        responses=TimelineEntrySerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def timeline(self, request: Request, pk: str | None = None) -> Response:
        customer = self.get_object()
        before = _before(request.query_params.get("before", ""))
        entries = timeline_for(customer=customer, actor=api_actor(request), before=before, limit=50)
        return Response(TimelineEntrySerializer(entries, many=True).data)

    @extend_schema(
        summary="The customer's consent ledger, in the order it was written (POST appends a grant or a withdrawal)",
        description="Append-only: a record is never changed or deleted; the latest record of a purpose is the "
        "customer's current wish. Erasure keeps the records (the proof) and blanks their note.",
        request=ConsentSerializer,
        responses={200: ConsentSerializer(many=True), 201: ConsentSerializer},
    )
    @action(detail=True, methods=["get", "post"])
    def consents(self, request: Request, pk: str | None = None) -> Response:
        customer = self.get_object()
        if request.method == "POST":
            given = ConsentSerializer(data=request.data)
            given.is_valid(raise_exception=True)
            record = consent_record(actor=api_actor(request), customer=customer, **given.validated_data)
            return Response(ConsentSerializer(record).data, status=status.HTTP_201_CREATED)
        page = self.paginate_queryset(selectors.consent_list(customer=customer))
        return self.get_paginated_response(ConsentSerializer(page, many=True).data)

    @extend_schema(
        summary="Notes on the customer (POST adds one)", request=NoteSerializer, responses=NoteSerializer(many=True)
    )
    @action(detail=True, methods=["get", "post"])
    def notes(self, request: Request, pk: str | None = None) -> Response:
        customer = self.get_object()
        if request.method == "POST":
            serializer = NoteSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            note = note_create(
                actor=api_actor(request),
                customer=customer,
                body=serializer.validated_data["body"],
                flag=serializer.validated_data.get("flag", ""),
            )
            return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)
        flagged = request.query_params.get("flagged") in {"1", "true"}
        notes = selectors.note_list(actor=request.user, customer=customer, flagged_only=flagged)
        page = self.paginate_queryset(notes)
        return self.get_paginated_response(NoteSerializer(page, many=True).data)


@extend_schema_view(
    list=extend_schema(summary="The call log"),
    retrieve=extend_schema(summary="A call"),
    create=extend_schema(
        summary="Log a call (upsert by external_id)",
        description="A POST with an `external_id` already logged in the same program updates that call and "
        "answers 200 instead of 201, so telephony may resend events safely.",
    ),
    partial_update=extend_schema(summary="Update a call (e.g. at hang-up)"),
)
class CallViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = CallSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    pagination_class = KeysetPagination
    ordering_fields = ["started_at", "updated_at", "id"]
    ordering = ["-started_at"]
    filterset_fields = {
        "program": ["exact"],
        "customer": ["exact"],
        "agent": ["exact"],
        "direction": ["exact"],
        "disposition": ["exact"],
        "external_id": ["exact"],
        "updated_at": ["gte", "lte"],
        "started_at": ["gte", "lte"],
    }

    def get_queryset(self) -> QuerySet[Call]:
        return selectors.call_list(actor=self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        customer, ticket = values.get("customer"), values.get("ticket")
        program = program_for_new_record(
            actor=api_actor(request),
            # The customer's program came with it (serializer queryset): no second read when none was given.
            program=values.pop("program", None) or (customer.program if customer else None),
            related={
                "customer": customer.program_id if customer else None,
                "ticket": ticket.program_id if ticket else None,
            },
        )
        external_id = values.pop("external_id", None)
        if external_id:
            call, created = call_upsert(actor=api_actor(request), program=program, external_id=external_id, **values)
        else:
            call = call_log_create(
                actor=api_actor(request), program=program, direction=values.pop("direction"), **values
            )
            created = True
        # The call as saved, through the serializer that read the input (as DRF's save() does): every field
        # it reads is on the call (no second read), and its fields are not built twice.
        serializer.instance = call
        return Response(serializer.data, status=status.HTTP_201_CREATED if created else 200)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        call = self.get_object()
        serializer = self.get_serializer(call, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        for fixed in ("program", "external_id"):
            if fixed in values and values.pop(fixed) != getattr(call, fixed if fixed != "program" else "program"):
                raise serializers.ValidationError({fixed: ["This field cannot be changed."]})
        call_log_update(actor=api_actor(request), call=call, **values)
        return Response(self.get_serializer(selectors.call_get(actor=request.user, pk=call.pk)).data)

    @extend_schema(
        summary="Telephony posts a call event",
        description="Events: queue, ring, answer, hold, resume, transfer, end, wrap_up_done, abandon. The call is "
        "found by `external_id` in the program of the `dialed` number (else the caller's only program) and created "
        "by its first event. Idempotent per (external_id, event, at): a resent event answers 200 and changes "
        "nothing; events may arrive in any order. Durations and the state are derived from the events. A `ring` or "
        "`answer` with an `agent` pops the caller on every open Switchboard tab of that agent.",
        request=CallEventInputSerializer,
        responses={200: CallSerializer, 201: CallSerializer},
    )
    @action(detail=False, methods=["post"], url_path="events")
    def events(self, request: Request) -> Response:
        serializer = CallEventInputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        call, created = call_event_record(
            actor=api_actor(request),
            external_id=data["external_id"],
            event=data["event"],
            at=data["at"],
            direction=data.get("direction"),
            agent=data.get("agent"),
            phone_number=data.get("phone_number", ""),
            dialed=data.get("dialed", ""),
        )
        body = self.get_serializer(selectors.call_get(actor=request.user, pk=call.pk)).data
        return Response(body, status=status.HTTP_201_CREATED if created else 200)

    def get_object(self) -> Call:
        call = selectors.call_get(actor=self.request.user, pk=self.kwargs["pk"])
        if call is None:
            raise Http404
        return call


@extend_schema_view(
    list=extend_schema(summary="Wrap-up codes of the caller's programs"),
    retrieve=extend_schema(summary="A wrap-up code"),
)
class WrapUpCodeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = WrapUpCodeSerializer
    filterset_fields = {"program": ["exact"], "is_active": ["exact"]}
    ordering = ["program", "position", "label"]

    def get_queryset(self) -> QuerySet[WrapUpCode]:
        return selectors.wrap_up_code_list(actor=self.request.user)


@extend_schema_view(
    list=extend_schema(summary="Do-not-call entries of your programs' lists and of the shared list"),
    retrieve=extend_schema(summary="A do-not-call entry"),
    create=extend_schema(
        summary="Put a number on a list (admins; integrators for their programs)",
        description="`program` null is the shared list every program honours (admins only). A number already "
        "on that list answers 200 with the entry as it was. Bulk loads: `manage.py dnc_import`.",
    ),
    destroy=extend_schema(summary="Take a number off a list (a customer's own request: admins only)"),
)
class DoNotCallViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = DoNotCallEntrySerializer
    pagination_class = KeysetPagination
    filterset_fields = {"number": ["exact"], "program": ["exact", "isnull"], "source": ["exact"]}
    ordering_fields = ["created_at", "id"]
    ordering = ["created_at"]

    def get_queryset(self) -> QuerySet[DoNotCallEntry]:
        return selectors.do_not_call_list(actor=self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        given = self.get_serializer(data=request.data)
        given.is_valid(raise_exception=True)
        entry, created = do_not_call_add(actor=api_actor(request), **given.validated_data)
        body = DoNotCallEntrySerializer(entry, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def perform_destroy(self, instance: DoNotCallEntry) -> None:
        do_not_call_remove(actor=api_actor(self.request), entry=instance)


@extend_schema_view(
    list=extend_schema(summary="Organizations of your programs (the companies customers belong to)"),
    retrieve=extend_schema(summary="An organization"),
)
class OrganizationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OrganizationSerializer
    pagination_class = KeysetPagination
    filterset_fields = {"program": ["exact"], "name": ["exact", "icontains"], "updated_at": ["gte", "lte"]}
    ordering_fields = ["name", "updated_at", "id"]
    ordering = ["name", "id"]

    def get_queryset(self) -> QuerySet[Organization]:
        return selectors.organization_list(actor=self.request.user)

"""Reads of customers and calls, always scoped to the programs the actor serves."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Reverse

from agents.models import Program
from agents.permissions import served_program_ids
from crm.models import Call, Customer, CustomerPhone, Note, NoteFlag
from crm.phones import digits, looks_like_phone, try_normalize_phone

TICKET_NUMBER = re.compile(r"^\s*(SB)?-?\s*(\d{3,})\s*$", re.IGNORECASE)
# Below this similarity a name is not offered as a match.
NAME_SIMILARITY = 0.3


def _flagged_notes() -> Any:
    return Prefetch("notes", queryset=Note.objects.exclude(flag="").order_by("-created_at"), to_attr="flagged_notes")


def customer_list(*, actor: Any) -> QuerySet[Customer]:
    return Customer.objects.filter(program_id__in=served_program_ids(actor), erased_at__isnull=True)


def customer_list_for_display(*, actor: Any) -> QuerySet[Customer]:
    """Customers with what a list row shows: program, organization, contact points, flag badges."""
    return (
        customer_list(actor=actor)
        .select_related("program", "organization", "preferred_agent")
        .prefetch_related("phones", "emails", _flagged_notes())
    )


def customer_get(*, actor: Any, pk: int | str) -> Customer | None:
    try:
        return customer_list_for_display(actor=actor).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class Match:
    customer: Customer
    score: float
    reason: str


def _region_for(actor: Any, program: Program | None) -> str:
    if program is not None:
        return program.default_region or "US"
    first = Program.objects.filter(pk__in=served_program_ids(actor)).order_by("pk").first()
    return first.default_region if first is not None and first.default_region else "US"


def customer_search(*, actor: Any, query: str, program: Program | None = None, limit: int = 20) -> list[Match]:
    """One box for everything an agent may type: phone (any format, or its last digits), name, email,
    organization or ticket number. Best match first; scoped to the actor's programs."""
    query = (query or "").strip()
    if not query:
        return []
    base = customer_list(actor=actor)
    if program is not None:
        base = base.filter(program=program)
    scores: dict[int, tuple[float, str]] = {}

    def offer(ids: Any, score: float, reason: str) -> None:
        for pk in ids:
            if scores.get(pk, (0.0, ""))[0] < score:
                scores[pk] = (score, reason)

    if looks_like_phone(query):
        e164 = try_normalize_phone(query, region=_region_for(actor, program))
        if e164:
            offer(base.filter(phones__number=e164).values_list("pk", flat=True)[:limit], 100, "phone")
        suffix = digits(query)
        if len(scores) < limit:
            # The reversed-number index turns "ends with these digits" into a prefix scan.
            offer(
                base.alias(rev=Reverse("phones__number"))
                .filter(rev__startswith=suffix[::-1])
                .values_list("pk", flat=True)
                .distinct()[:limit],
                90,
                "phone",
            )
    if "@" in query:
        address = query.lower()
        offer(base.filter(emails__address=address).values_list("pk", flat=True)[:limit], 95, "email")
        offer(base.filter(emails__address__startswith=address).values_list("pk", flat=True)[:limit], 80, "email")
    ticket = TICKET_NUMBER.match(query)
    if ticket:
        number = f"SB-{ticket.group(2)}"
        offer(
            base.filter(tickets__number=number).values_list("pk", flat=True)[:limit],
            100,
            "ticket",
        )
    if not looks_like_phone(query) and len(query) >= 2:
        name_matches = (
            base.annotate(similarity=TrigramWordSimilarity(query, "name"))
            .filter(Q(name__icontains=query) | Q(similarity__gte=NAME_SIMILARITY))
            .order_by("-similarity", "name")
            .values_list("pk", "similarity", "name")[:limit]
        )
        for pk, similarity, name in name_matches:
            bonus = 20 if name.lower() == query.lower() else (10 if name.lower().startswith(query.lower()) else 0)
            offer([pk], 50 + 30 * float(similarity or 0) + bonus, "name")
        offer(
            base.filter(organization__name__icontains=query).values_list("pk", flat=True)[:limit],
            45,
            "organization",
        )
    ranked = sorted(scores.items(), key=lambda item: -item[1][0])[:limit]
    customers = customer_list_for_display(actor=actor).in_bulk([pk for pk, _ in ranked])
    return [Match(customers[pk], score, reason) for pk, (score, reason) in ranked if pk in customers]


def customer_lookup(*, actor: Any, phone: str, dialed: str = "") -> list[Customer]:
    """Screen pop: customers with this number, best first (the dialed number picks the program)."""
    from agents.selectors import program_for_dialed_number

    program = None
    if dialed:
        dialed_e164 = try_normalize_phone(dialed, region=_region_for(actor, None))
        program = program_for_dialed_number(number=dialed_e164) if dialed_e164 else None
        if program is not None and program.pk not in served_program_ids(actor):
            program = None
    region = _region_for(actor, program)
    e164 = try_normalize_phone(phone, region=region)
    if e164 is None:
        return []
    # Two small queries instead of one wide DISTINCT join: planning that one cost more than running it.
    phones = CustomerPhone.objects.filter(
        number=e164, customer__program_id__in=served_program_ids(actor), customer__erased_at__isnull=True
    )
    if program is not None:
        phones = phones.filter(customer__program=program)
    ranked = phones.order_by("-is_primary", "-customer__last_activity_at", "customer_id").values_list(
        "customer_id", flat=True
    )
    ids = list(dict.fromkeys(ranked[:40]))[:20]
    customers = customer_list_for_display(actor=actor).in_bulk(ids)
    return [customers[pk] for pk in ids if pk in customers]


def note_list(*, actor: Any, customer: Customer, flagged_only: bool = False) -> QuerySet[Note]:
    notes = Note.objects.filter(customer=customer, customer__program_id__in=served_program_ids(actor))
    if flagged_only:
        notes = notes.exclude(flag=NoteFlag.NONE)
    return notes.select_related("author").order_by("-created_at", "-id")


def call_list(*, actor: Any) -> QuerySet[Call]:
    return Call.objects.filter(program_id__in=served_program_ids(actor)).select_related(
        "program", "customer", "agent", "ticket"
    )


def call_get(*, actor: Any, pk: int | str) -> Call | None:
    try:
        return call_list(actor=actor).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None

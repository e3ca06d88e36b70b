"""Reads of customers and calls, always scoped to the programs the actor serves."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import CharField, Count, F, Min, OuterRef, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, JSONObject, Reverse
from django.utils import timezone

from agents.models import Program, Team, User
from agents.permissions import Actor, home_region, served_program_ids
from agents.selectors import program_for_dialed_number
from config.hooks import app_hooks
from config.rows import Columns, fetch_one
from config.search import trigram_search
from crm.models import (
    LIVE_STATES,
    Call,
    CallState,
    CannedText,
    ConsentPurpose,
    ConsentRecord,
    Customer,
    CustomerEmail,
    CustomerPhone,
    DoNotCallEntry,
    Note,
    NoteFlag,
    Organization,
    WrapUpCode,
)
from crm.models.canned import PLACEHOLDER
from crm.phones import digits, looks_like_phone, try_normalize_phone

# Below this similarity a name is not offered as a match.
NAME_SIMILARITY = 0.3
# How many look-alike names (or organizations) the search takes from the trigram index to rank.
NAME_CANDIDATES = 500
# How many numbers ending in the digits typed the search ranks, of every program before the actor's are kept (a
# four-digit ending matches about one number in ten thousand: some 120 at a million customers).
PHONE_CANDIDATES = 500


# A customer's flags, the one definition (screen pop, API, pages, approval queue): the distinct
# flags of its notes, the most recently flagged first.
FLAGS_SQL = (
    "ARRAY(SELECT n.flag FROM crm_note n WHERE n.customer_id = {customer_id} AND n.flag <> ''"
    " GROUP BY n.flag ORDER BY max(n.created_at) DESC)"
)


def _flags() -> RawSQL:
    sql = FLAGS_SQL.format(customer_id='"crm_customer"."id"')  # a constant: no input reaches it
    return RawSQL(sql, [], output_field=ArrayField(CharField()))  # noqa: S611


def customer_flags(*, customer_ids: Iterable[int]) -> dict[int, list[str]]:
    """Flags per customer, for lists that show badges beside other records (the approval queue)."""
    rows = Customer.objects.filter(pk__in=list(customer_ids)).annotate(flag_list=_flags())
    return {pk: flags for pk, flags in rows.values_list("pk", "flag_list") if flags}


def _flagged_notes() -> Any:
    notes = Note.objects.exclude(flag="").order_by("-created_at").only("id", "customer_id", "flag", "body")
    return Prefetch("notes", queryset=notes, to_attr="flagged_notes")


def organization_list(*, actor: Actor) -> QuerySet[Organization]:
    return Organization.objects.filter(program_id__in=served_program_ids(actor))


def customer_list(*, actor: Actor) -> QuerySet[Customer]:
    """The customers ``actor`` may see (``customer_ref`` states the same rule in SQL)."""
    return Customer.objects.filter(
        program_id__in=served_program_ids(actor), erased_at__isnull=True, merged_into__isnull=True
    )


def customer_list_for_display(*, actor: Actor) -> QuerySet[Customer]:
    """Customers with what a page shows: program, organization, contact points (``phone_rows``,
    ``email_rows``), flagged notes for the badges. Two queries, whatever the page size."""
    return (
        customer_list_for_api(actor=actor)
        .select_related("program", "organization", "preferred_agent")
        .prefetch_related(_flagged_notes())
    )


def customer_list_for_api(*, actor: Actor) -> QuerySet[Customer]:
    """Customers with what ``CustomerSerializer`` reads, each in a single row (no prefetch queries)."""
    return customer_list(actor=actor).annotate(**contact_rows())


def customer_get(*, actor: Actor, pk: int | str, for_api: bool = False) -> Customer | None:
    rows = customer_list_for_api(actor=actor) if for_api else customer_list_for_display(actor=actor)
    try:
        return rows.filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def customer_possible_duplicates(*, customer: Customer, limit: int = 10) -> list[Customer]:
    """Other customers of the program sharing one of ``customer``'s numbers or addresses (read from the
    display row's ``phone_rows``/``email_rows``). One query."""
    numbers = [row["number"] for row in getattr(customer, "phone_rows", [])]
    addresses = [row["address"] for row in getattr(customer, "email_rows", [])]
    if not numbers and not addresses:
        return []
    return list(
        Customer.objects.filter(program_id=customer.program_id, erased_at__isnull=True, merged_into__isnull=True)
        .filter(Q(phones__number__in=numbers) | Q(emails__address__in=addresses))
        .exclude(pk=customer.pk)
        .distinct()
        .order_by("pk")
        .only("id", "name", "created_at")[:limit]
    )


def customer_merged_into(*, actor: Actor, pk: int | str) -> int | None:
    """Where the records of a customer merged into another are now (the end of its ``merged_into`` chain),
    when the actor serves its program; None when it was not merged (or is not the actor's to know about)."""
    try:
        current: int | None = int(pk)
    except (TypeError, ValueError):
        return None
    target, seen = None, set()
    programs = served_program_ids(actor)
    while current is not None and current not in seen:
        seen.add(current)
        current = (
            Customer.objects.filter(pk=current, program_id__in=programs)
            .values_list("merged_into_id", flat=True)
            .first()
        )
        target = current or target
    return target


# What ``customer_ref`` reads: the customer's row and its program's (both short: whatever a ticket's or a call's
# rules read of them, a time zone or the do-not-call flag, comes without a second query), that program's default
# team, and the preferred agent; the columns routing (``tickets.services.routing``) reads of those two.
_REF_CUSTOMER = Columns(Customer, "c")
_REF_PROGRAM = Columns(Program, "p")
_REF_TEAM = Columns(Team, "t", only=("languages", "skills"))
_REF_AGENT = Columns(User, "a", only=("username", "is_active"))
# Every ticket opened over the API asks this: hand-written, so Django does not build it each time (config/rows.py).
# Its WHERE is ``customer_list``'s rule; test_customer_ref_finds_exactly_the_customers_customer_list_shows holds the
# two together.
_REF_SQL = f"""
    SELECT {_REF_CUSTOMER.sql}, {_REF_PROGRAM.sql}, {_REF_TEAM.sql}, {_REF_AGENT.sql}
    FROM crm_customer c
    JOIN agents_program p ON p.id = c.program_id
    LEFT JOIN agents_team t ON t.id = p.default_team_id
    LEFT JOIN agents_user a ON a.id = c.preferred_agent_id
    WHERE c.id = %(pk)s::bigint AND c.program_id = ANY(%(programs)s::bigint[])
      AND c.erased_at IS NULL AND c.merged_into_id IS NULL
"""  # noqa: S608 - the select lists come from the models, every value is a parameter


def customer_ref(*, actor: Actor, pk: int | str) -> Customer | None:
    """A customer a new record is attached to (a ticket, a call, a merge): the row with its program (and that
    program's default team) and preferred agent, which routing and the program rule read. One query; no
    contact details or flags, which a page reads through ``customer_get``."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    if not 0 < pk < 2**63:
        return None  # no such id (and beyond bigint, PostgreSQL would refuse the parameter)
    row = fetch_one(_REF_SQL, {"pk": pk, "programs": sorted(served_program_ids(actor))})
    if row is None:
        return None
    customer = _REF_CUSTOMER.instance(row)
    at = len(_REF_CUSTOMER)
    program = _REF_PROGRAM.instance(row, at)
    at += len(_REF_PROGRAM)
    program.default_team = _REF_TEAM.optional(row, at)
    customer.program = program
    customer.preferred_agent = _REF_AGENT.optional(row, at + len(_REF_TEAM))
    return customer


@dataclass(frozen=True)
class Match:
    customer: Customer
    score: float
    reason: str


def _region_for(actor: Actor, program: Program | None) -> str:
    if program is not None:
        return program.default_region or "US"
    return home_region(actor)


def customer_search(
    *, actor: Actor, query: str, program: Program | None = None, limit: int = 20, for_api: bool = False
) -> list[Match]:
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
            # The reversed-number index turns "ends with these digits" into a prefix scan. The numbers' owners
            # are read first, then ranked in the box's order: in one statement PostgreSQL, overestimating how
            # many numbers end so, walked every customer by name probing each one's phones (2.2 s at 1M
            # customers for "4948", against 3 ms for most digits).
            owners = (
                CustomerPhone.objects.alias(rev=Reverse("number"))
                .filter(rev__startswith=suffix[::-1])
                .values_list("customer_id", flat=True)[:PHONE_CANDIDATES]
            )
            offer(base.filter(pk__in=list(owners)).values_list("pk", flat=True)[:limit], 90, "phone")
    if "@" in query:
        address = query.lower()
        offer(base.filter(emails__address=address).values_list("pk", flat=True)[:limit], 95, "email")
        offer(base.filter(emails__address__startswith=address).values_list("pk", flat=True)[:limit], 80, "email")
    # Higher apps find customers by their own records (a ticket number, ...): ``customer_search_sources``.
    for source in app_hooks("customer_search_sources"):
        for ids, score, reason in source(query=query, customers=base, limit=limit):
            offer(ids, score, reason)
    # Names and organization names hold no digits-only phone and no "@": those steps stay out of the way.
    if not looks_like_phone(query) and "@" not in query and len(query) >= 2:
        with trigram_search(NAME_SIMILARITY):
            for pk, similarity, name in _names_like(base, query, limit):
                lower = name.lower()
                bonus = 20 if lower == query.lower() else (10 if lower.startswith(query.lower()) else 0)
                offer([pk], 50 + 30 * similarity + bonus, "name")
            organizations = Organization.objects.filter(program__in=served_program_ids(actor))
            matched = organizations.filter(name__trigram_word_similar=query).values("pk")[:NAME_CANDIDATES]
            members = base.filter(organization__in=matched).order_by().values_list("pk", flat=True)
            offer(members[:limit], 45, "organization")
    ranked = sorted(scores.items(), key=lambda item: -item[1][0])[:limit]
    rows = customer_list_for_api(actor=actor) if for_api else customer_list_for_display(actor=actor)
    customers = rows.in_bulk([pk for pk, _ in ranked])
    return [Match(customers[pk], score, reason) for pk, (score, reason) in ranked if pk in customers]


def _names_like(customers: QuerySet[Customer], query: str, limit: int) -> list[tuple[int, float, str]]:
    """Names holding the words typed, or words like them (typos, a part of a word): ``(pk, similarity,
    name)``, best first. At most NAME_CANDIDATES look-alikes come from the trigram index and only those
    are ranked, so a name shared by thousands costs what a rare one does."""
    candidates = customers.filter(name__trigram_word_similar=query).order_by().values("pk")[:NAME_CANDIDATES]
    return [
        (pk, float(similarity), name)
        for pk, similarity, name in Customer.objects.filter(pk__in=candidates)
        .annotate(similarity=TrigramWordSimilarity(query, "name"))
        .order_by("-similarity", "name")
        .values_list("pk", "similarity", "name")[:limit]
    ]


# The screen pop runs while the phone rings, so it is one hand-written statement: building and
# compiling the equivalent queryset cost three times what PostgreSQL spends answering it. It returns
# the columns ``customer_list_for_api`` annotates, so ``CustomerSerializer`` reads both alike
# (a test compares the two). (customer, number) is unique: the join yields each customer once.
LOOKUP_SQL = """
    SELECT c.*, o.name AS organization_name,
      (SELECT coalesce(json_agg(json_build_object('number', p.number, 'label', p.label, 'is_primary', p.is_primary)
                                ORDER BY p.is_primary DESC, p.id), '[]')
         FROM crm_customerphone p WHERE p.customer_id = c.id) AS phone_rows,
      (SELECT coalesce(json_agg(json_build_object('address', e.address, 'is_primary', e.is_primary)
                                ORDER BY e.is_primary DESC, e.id), '[]')
         FROM crm_customeremail e WHERE e.customer_id = c.id) AS email_rows,
      {flags} AS flag_list,
      -- Whom the phone system may route the call to: the customer's agent, with the state they are in now.
      (SELECT json_build_object('id', u.id, 'username', u.username, 'extension', u.extension,
                                'state', coalesce(s.state, 'offline'),
                                'available', s.state IS NOT DISTINCT FROM 'available')
         FROM agents_user u LEFT JOIN agents_agentstatespan s ON s.user_id = u.id AND s.ended_at IS NULL
        WHERE u.id = c.preferred_agent_id AND u.is_active) AS route_to_agent
    FROM crm_customerphone matched
    JOIN crm_customer c ON c.id = matched.customer_id
    LEFT JOIN crm_organization o ON o.id = c.organization_id
    WHERE matched.number = %s AND c.program_id = ANY(%s) AND c.erased_at IS NULL
    ORDER BY matched.is_primary DESC, c.last_activity_at DESC, c.id
    LIMIT 20
""".format(flags=FLAGS_SQL.format(customer_id="c.id"))  # noqa: S608 - constant text; values are parameters


def customer_lookup(*, actor: Actor, phone: str, dialed: str = "") -> list[Customer]:
    """Screen pop: customers with this number, best first (the dialed number picks the program)."""
    program = None
    if dialed:
        dialed_e164 = try_normalize_phone(dialed, region=home_region(actor))
        program = program_for_dialed_number(number=dialed_e164) if dialed_e164 else None
        if program is not None and program.pk not in served_program_ids(actor):
            program = None
    e164 = try_normalize_phone(phone, region=_region_for(actor, program))
    if e164 is None:
        return []
    programs = [program.pk] if program is not None else sorted(served_program_ids(actor))
    return list(Customer.objects.raw(LOOKUP_SQL, [e164, programs]))


def customer_ids_with_number(*, program_id: int, e164: str, limit: int = 2) -> list[int]:
    """Who has this number in one program (telephony's first event: exactly one is the caller)."""
    if not e164:
        return []
    return list(
        CustomerPhone.objects.filter(number=e164, customer__program_id=program_id, customer__erased_at__isnull=True)
        .values_list("customer_id", flat=True)
        .distinct()[:limit]
    )


def contact_rows() -> dict[str, Any]:
    """Organization name, phones, emails and note flags of each customer, in the customer's own row."""
    phones = CustomerPhone.objects.filter(customer=OuterRef("pk")).order_by("-is_primary", "id")
    emails = CustomerEmail.objects.filter(customer=OuterRef("pk")).order_by("-is_primary", "id")
    return {
        "organization_name": F("organization__name"),
        "phone_rows": ArraySubquery(
            phones.values(json=JSONObject(number="number", label="label", is_primary="is_primary"))
        ),
        "email_rows": ArraySubquery(emails.values(json=JSONObject(address="address", is_primary="is_primary"))),
        "flag_list": _flags(),
    }


def note_list(*, actor: Actor, customer: Customer, flagged_only: bool = False) -> QuerySet[Note]:
    notes = Note.objects.filter(customer=customer, customer__program_id__in=served_program_ids(actor))
    if flagged_only:
        notes = notes.exclude(flag=NoteFlag.NONE)
    return notes.select_related("author").order_by("-created_at", "-id")


def call_list(*, actor: Actor) -> QuerySet[Call]:
    return Call.objects.filter(program_id__in=served_program_ids(actor)).select_related(
        "program", "customer", "agent", "ticket"
    )


def customer_calls(*, actor: Actor, customer: Customer) -> QuerySet[Call]:
    """A customer's calls with what a history line shows, newest first."""
    return (
        Call.objects.filter(customer=customer, program_id__in=served_program_ids(actor))
        .select_related("agent")
        .only("id", "started_at", "direction", "disposition", "notes", "talk_seconds", "customer_id", "agent__username")
        .order_by("-started_at", "-id")
    )


_CALL = Columns(Call, "c")
# Telephony's every call and event asks this: hand-written, so Django does not build it each time (config/rows.py).
_CALL_BY_EXTERNAL_ID_SQL = f"SELECT {_CALL.sql} FROM crm_call c WHERE c.program_id = %s AND c.external_id = %s"  # noqa: S608


def call_by_external_id(*, program_id: int, external_id: str) -> Call | None:
    """The program's call telephony knows as ``external_id`` (unique in a program), for its upserts and events;
    the caller has already checked the program. One query."""
    row = fetch_one(_CALL_BY_EXTERNAL_ID_SQL, [program_id, external_id])
    return None if row is None else _CALL.instance(row)


def call_get(*, actor: Actor, pk: int | str) -> Call | None:
    try:
        return call_list(actor=actor).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def call_list_for_ticket(*, actor: Actor, ticket_id: int, limit: int = 20) -> list[Call]:
    """The calls linked to a ticket, newest first (the ticket page)."""
    calls = Call.objects.filter(program_id__in=served_program_ids(actor), ticket_id=ticket_id)
    return list(calls.select_related("agent").order_by("-started_at")[:limit])


def wrap_up_code_list(*, actor: Actor) -> QuerySet[WrapUpCode]:
    return WrapUpCode.objects.filter(program_id__in=served_program_ids(actor)).order_by("program", "position", "label")


@dataclass(frozen=True)
class LiveCalls:
    waiting: int
    talking: int
    wrapping_up: int
    longest_wait_since: datetime | None


def calls_live(*, actor: Actor, now: datetime | None = None) -> LiveCalls:
    """The calls of the actor's programs not over yet (the wallboard): waiting for an answer, talking (or
    on hold), in wrap-up, and since when the longest-waiting caller waits. Calls older than a day are
    stale telephony leftovers and not counted."""
    now = now or timezone.now()
    live = Call.objects.filter(
        program_id__in=served_program_ids(actor), state__in=sorted(LIVE_STATES), started_at__gte=now - timedelta(days=1)
    )
    waiting = Q(state=CallState.RINGING, answered_at__isnull=True)
    counts = live.aggregate(
        waiting=Count("pk", filter=waiting),
        talking=Count("pk", filter=Q(state__in=[CallState.CONNECTED, CallState.ON_HOLD])),
        wrapping_up=Count("pk", filter=Q(state=CallState.WRAP_UP)),
        longest=Min(Coalesce("queued_at", "started_at"), filter=waiting),
    )
    return LiveCalls(counts["waiting"], counts["talking"], counts["wrapping_up"], counts["longest"])


def do_not_call_list(*, actor: Actor) -> QuerySet[DoNotCallEntry]:
    """The lists the actor's programs honour: their own and the shared one."""
    return DoNotCallEntry.objects.filter(Q(program_id__in=served_program_ids(actor)) | Q(program__isnull=True))


def customer_listed_numbers(*, actor: Actor, customer: Customer) -> list[str]:
    """Which of the customer's numbers are on a do-not-call list its program honours (one query: the numbers
    come from ``phone_rows`` when the customer page loaded them)."""
    rows = getattr(customer, "phone_rows", None)
    numbers = (
        [row["number"] for row in rows]
        if rows is not None
        else CustomerPhone.objects.filter(customer=customer).values_list("number", flat=True)
    )
    return sorted(do_not_call_list(actor=actor).filter(number__in=list(numbers)).values_list("number", flat=True))


def consent_list(*, customer: Customer) -> QuerySet[ConsentRecord]:
    """The customer's ledger, newest first (the customer was read through a scoped selector)."""
    return ConsentRecord.objects.filter(customer=customer).order_by("-at", "-id")


def consent_state(*, customer: Customer) -> dict[str, ConsentRecord | None]:
    """Each purpose's latest record: the customer's current wishes."""
    latest: dict[str, ConsentRecord | None] = dict.fromkeys(ConsentPurpose.values)
    for record in consent_list(customer=customer).order_by("purpose", "-at", "-id").distinct("purpose"):
        latest[record.purpose] = record
    return latest


def canned_values(
    *, customer: Customer | None, agent: User, program: Program, ticket_number: str = ""
) -> dict[str, str]:
    """What a canned text's placeholders stand for where it is inserted (``crm.models.PLACEHOLDERS``)."""
    name = customer.name if customer is not None else ""
    return {
        "customer_name": name,
        "customer_first_name": name.split()[0] if name.split() else "",
        "ticket_number": ticket_number,
        "agent_name": agent.get_full_name() or agent.get_username(),
        "agent_first_name": agent.first_name or agent.get_username(),
        "program": program.name,
    }


def canned_texts(*, actor: User, program_id: int, kinds: Sequence[str], values: dict[str, str]) -> list[dict[str, str]]:
    """The program's active canned texts of ``kinds`` for the actor (the program's own and its teams'), with
    their placeholders filled in; a placeholder with nothing to fill stays as typed, for the agent to see.
    One query."""
    rows = (
        CannedText.objects.filter(program_id=program_id, is_active=True, kind__in=list(kinds))
        .filter(Q(team__isnull=True) | Q(team__memberships__user=actor))
        .distinct()
        .order_by("kind", "title", "id")
        .values("id", "kind", "title", "body")
    )
    return [
        {
            "id": str(row["id"]),
            "kind": row["kind"],
            "title": row["title"],
            "text": PLACEHOLDER.sub(lambda found: values.get(found.group(1)) or found.group(0), row["body"]),
        }
        for row in rows
    ]

"""crm's own contributions to the customer page and the workspace (see config/pages.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils.text import Truncator

from agents.permissions import Actor, id_of
from config.pages import Panel, TimelineEntry
from crm.models import ConsentChannel, ConsentPurpose, Customer, Note
from crm.permissions import can_edit_customer, can_merge_customers
from crm.selectors import (
    call_list,
    consent_state,
    customer_calls,
    customer_listed_numbers,
    customer_possible_duplicates,
)

RECENT_CALLS = 10


def recent_calls_panel(*, customer: Customer, actor: Actor) -> Panel:
    calls = list(customer_calls(actor=actor, customer=customer)[:RECENT_CALLS])
    return Panel("calls", "Recent calls", "crm/panels/calls.html", {"calls": calls}, order=30)


def calling_panel(*, customer: Customer, actor: Actor) -> Panel:
    """May we call this customer: do-not-call (the flag and its numbers on a list) and the consent ledger's
    current state, with the agent's one-click "asks not to be called" and a form to record consent."""
    context = {
        "customer": customer,
        "listed": customer_listed_numbers(actor=actor, customer=customer),
        "consents": [
            {"purpose": purpose, "label": label, "record": record}
            for (purpose, label), record in zip(
                ConsentPurpose.choices, consent_state(customer=customer).values(), strict=True
            )
        ],
        "purposes": ConsentPurpose.choices,
        "channels": ConsentChannel.choices,
        "can_edit": can_edit_customer(actor, customer),
    }
    return Panel("calling", "Calling and consent", "crm/panels/calling.html", context, order=35)


def duplicates_panel(*, customer: Customer, actor: Actor) -> Panel | None:
    """For those who may merge: the customers sharing a number or an address, each one click from being folded
    into this record, and a field to name any other duplicate by its number."""
    if not can_merge_customers(actor, customer):
        return None
    context = {"customer": customer, "duplicates": customer_possible_duplicates(customer=customer)}
    return Panel("duplicates", "Duplicates", "crm/panels/duplicates.html", context, order=90)


def my_recent_calls_panel(*, actor: Actor) -> Panel | None:
    calls = list(call_list(actor=actor).filter(agent_id=id_of(actor)).order_by("-started_at")[:RECENT_CALLS])
    return Panel("my_calls", "My recent calls", "crm/panels/calls.html", {"calls": calls, "show_customer": True}, 50)


def _before(queryset: Any, field: str, before: datetime | None) -> Any:
    return queryset.filter(**{f"{field}__lt": before}) if before else queryset


def calls_timeline(*, customer: Customer, actor: Actor, before: datetime | None, limit: int) -> list[TimelineEntry]:
    calls = _before(customer_calls(actor=actor, customer=customer), "started_at", before)
    return [
        TimelineEntry(
            kind="call",
            at=call.started_at,
            object_id=call.pk,
            title=f"{call.get_direction_display()} call"
            + (f" · {call.get_disposition_display()}" if call.disposition else ""),
            summary=Truncator(call.notes).chars(200),
            url=reverse("crm:call_detail", args=[call.pk]),
            data={"agent": call.agent.get_username() if call.agent else "", "talk_seconds": call.talk_seconds},
        )
        for call in calls[:limit]
    ]


def notes_timeline(*, customer: Customer, actor: Actor, before: datetime | None, limit: int) -> list[TimelineEntry]:
    notes = Note.objects.filter(customer=customer).select_related("author")
    notes = _before(notes.only("id", "created_at", "flag", "body", "author__username"), "created_at", before)
    return [
        TimelineEntry(
            kind="note",
            at=note.created_at,
            object_id=note.pk,
            title="Note" + (f" · {note.get_flag_display()}" if note.flag else ""),
            summary=note.body,
            data={"flag": note.flag, "author": note.author.get_username() if note.author else ""},
        )
        for note in notes.order_by("-created_at", "-id")[:limit]
    ]

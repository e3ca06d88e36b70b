"""Reads of campaigns, scoped to the actor's programs, and their progress (one definition: docs/metrics.md,
"Campaigns")."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from agents.models import Program
from agents.permissions import Actor, served_program_ids
from agents.selectors import program_list
from outbound.models import REACHED, Attempt, Campaign, CampaignContact, CampaignStatus, ContactStatus, Outcome
from outbound.permissions import can_manage_campaigns


def campaign_list(*, actor: Actor) -> QuerySet[Campaign]:
    return Campaign.objects.filter(program_id__in=served_program_ids(actor)).select_related("program", "script")


def campaign_list_open(*, actor: Actor) -> QuerySet[Campaign]:
    """Campaigns being prepared, running or paused (the campaigns page)."""
    return campaign_list(actor=actor).exclude(status=CampaignStatus.DONE)


def programs_managed(*, actor: Actor) -> QuerySet[Program]:
    """The programs whose campaigns the actor may set up."""
    return program_list(actor=actor).filter(
        pk__in=[p.pk for p in program_list(actor=actor) if can_manage_campaigns(actor, p.pk)]
    )


def campaign_contact_get(*, campaign: Campaign, pk: object) -> CampaignContact | None:
    try:
        return campaign_contacts(campaign=campaign).filter(pk=int(str(pk))).first()
    except ValueError:
        return None


def campaign_get(*, actor: Actor, pk: object) -> Campaign | None:
    try:
        return campaign_list(actor=actor).get(pk=int(str(pk)))
    except (Campaign.DoesNotExist, ValueError):
        return None


def campaign_contacts(*, campaign: Campaign) -> QuerySet[CampaignContact]:
    return campaign.contacts.select_related("customer", "assigned_to")


def contact_held(*, actor: Actor, campaign: Campaign) -> CampaignContact | None:
    """The contact the agent holds in the campaign (asked for, not yet given an outcome)."""
    return (
        campaign_contacts(campaign=campaign)
        .filter(status=ContactStatus.ASSIGNED, assigned_to_id=getattr(actor, "pk", None))
        .first()
    )


@dataclass
class Progress:
    contacts: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    attempts: int = 0
    attempted_contacts: int = 0
    reached_contacts: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    agents: list[dict[str, Any]] = field(default_factory=list)

    @property
    def reached_rate(self) -> float | None:
        """Contacts reached at least once ÷ contacts attempted at least once."""
        if not self.attempted_contacts:
            return None
        return round(self.reached_contacts / self.attempted_contacts, 4)


def campaign_progress(*, campaign: Campaign) -> Progress:
    """Contacts by state, attempts, the reached rate, outcomes, and per agent (three queries)."""
    progress = Progress()
    for status, count in campaign.contacts.values_list("status").annotate(n=Count("id")).order_by():
        progress.by_status[status] = count
    progress.contacts = sum(progress.by_status.values())
    reached = Q(outcome__in=list(REACHED))
    attempts = Attempt.objects.filter(campaign=campaign)
    totals = attempts.aggregate(
        attempts=Count("id"),
        attempted=Count("contact", distinct=True),
        reached=Count("contact", filter=reached, distinct=True),
    )
    progress.attempts = totals["attempts"]
    progress.attempted_contacts = totals["attempted"]
    progress.reached_contacts = totals["reached"]
    rows = attempts.values("agent_id", "agent__username", "outcome").annotate(n=Count("id")).order_by()
    per_agent: dict[int | None, dict[str, Any]] = {}
    for row in rows:
        progress.outcomes[row["outcome"]] = progress.outcomes.get(row["outcome"], 0) + row["n"]
        agent = per_agent.setdefault(
            row["agent_id"], {"agent": row["agent__username"] or "—", "attempts": 0, "reached": 0}
        )
        agent["attempts"] += row["n"]
        if row["outcome"] in REACHED:
            agent["reached"] += row["n"]
    progress.agents = sorted(per_agent.values(), key=lambda a: a["agent"])
    for value in Outcome.values:
        progress.outcomes.setdefault(value, 0)
    return progress

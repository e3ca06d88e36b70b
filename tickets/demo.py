"""Demo categories routed to teams, SLA policies, tickets in every state and follow-ups."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from agents.models import Program, Team, User
from crm.models import Customer
from tickets.models import Category, FollowUp, Priority, SlaPolicy, Ticket
from tickets.services.tickets import ticket_comment_add, ticket_create, ticket_transition

CATEGORIES = {
    "acme-bakery": [
        ("Orders and delivery", "acme-front"),
        ("Billing and refunds", "acme-billing"),
        ("Online shop and accounts", "acme-tier2"),
        ("Complaints", "acme-front"),
    ],
    "northwind": [("Network outage", "northwind-front"), ("Billing", "northwind-front")],
}
# minutes: first response, resolution
SLA = {
    Priority.LOW: (480, 4320),
    Priority.NORMAL: (240, 1440),
    Priority.HIGH: (60, 480),
    Priority.URGENT: (15, 120),
}
SUBJECTS = [
    ("Birthday cake order delivered late", "Orders and delivery"),
    ("Charged twice for weekly bread subscription", "Billing and refunds"),
    ("Cannot log in to the online shop", "Online shop and accounts"),
    ("Wrong allergens label on gluten-free loaf", "Complaints"),
    ("Refund request for cancelled catering", "Billing and refunds"),
    ("Change delivery address for standing order", "Orders and delivery"),
    ("Password reset email never arrives", "Online shop and accounts"),
    ("Rude driver at drop-off", "Complaints"),
]
STATES = ["new", "open", "open", "pending_customer", "on_hold", "resolved", "closed"]


def seed(*, scale: int, stdout: TextIO) -> None:
    with transaction.atomic():
        for slug, categories in CATEGORIES.items():
            program = Program.objects.filter(slug=slug).first()
            if program is None:
                continue
            for name, team_slug in categories:
                Category.objects.update_or_create(
                    program=program, name=name, defaults={"team": Team.objects.filter(slug=team_slug).first()}
                )
            for priority, (first, resolution) in SLA.items():
                SlaPolicy.objects.update_or_create(
                    program=program,
                    priority=priority,
                    defaults={"first_response_minutes": first, "resolution_minutes": resolution},
                )
        if Ticket.objects.filter(tags__contains=["demo"]).exists():
            stdout.write("  tickets: demo tickets already there\n")
            return
        made = _demo_tickets()
    stdout.write(f"  tickets: {made} demo tickets with history and follow-ups\n")


def _demo_tickets() -> int:
    rng = random.Random(7)
    agent = User.objects.filter(username="agent").first()
    if agent is None:
        return 0
    program = Program.objects.get(slug="acme-bakery")
    customers = list(Customer.objects.filter(program=program, erased_at__isnull=True).order_by("pk")[:24])
    categories = {c.name: c for c in Category.objects.filter(program=program)}
    made = 0
    for i, customer in enumerate(customers):
        subject, category = SUBJECTS[i % len(SUBJECTS)]
        ticket = ticket_create(
            actor=agent,
            program=program,
            subject=subject,
            description=f"{customer.name} called about: {subject.lower()}.",
            customer=customer,
            category=categories.get(category),
            priority=[Priority.NORMAL, Priority.HIGH, Priority.LOW, Priority.URGENT][i % 4],
            tags=["demo"],
        )
        # Spread creation times so queues and SLA badges look lived-in.
        created = timezone.now() - timedelta(hours=rng.randint(1, 96))
        Ticket.objects.filter(pk=ticket.pk).update(created_at=created)
        if i % 3 == 0:
            ticket.assignee = agent
            Ticket.objects.filter(pk=ticket.pk).update(assignee=agent)
        ticket_comment_add(
            actor=agent, ticket=ticket, body="Customer confirmed the details by phone.", is_internal=True
        )
        state = STATES[i % len(STATES)]
        path = {
            "open": ["open"],
            "pending_customer": ["open", "pending_customer"],
            "on_hold": ["open", "on_hold"],
            "resolved": ["open", "resolved"],
            "closed": ["open", "resolved", "closed"],
        }.get(state, [])
        for step in path:
            ticket = ticket_transition(actor=agent, ticket=ticket, status=step)
        if state in {"open", "pending_customer"}:
            due = timezone.now() + timedelta(hours=rng.choice([-3, -1, 2, 20]))
            FollowUp.objects.create(
                program=program,
                ticket=ticket,
                customer=customer,
                owner=agent,
                due_at=due,
                note="Call back to confirm the fix worked.",
                reopen_ticket=state == "pending_customer",
                # Past-due demo reminders count as already delivered: no burst of notifications on first start.
                notified_at=timezone.now() if due < timezone.now() else None,
            )
        made += 1
    return made

"""Demo categories routed to teams, SLA policies, tickets in every state and follow-ups."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import TextIO

from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from agents.models import Program, Team, User
from config.bulk import bulk_batches, bulk_transaction
from crm.models import Customer
from tickets.models import BusinessHours, Category, FollowUp, Priority, SlaPolicy, Ticket
from tickets.services.tickets import ticket_comment_add, ticket_create, ticket_transition

# name, team, skills an agent needs
CATEGORIES: dict[str, list[tuple[str, str, list[str]]]] = {
    "acme-bakery": [
        ("Orders and delivery", "acme-front", []),
        ("Billing and refunds", "acme-billing", ["billing"]),
        ("Online shop and accounts", "acme-tier2", ["technical"]),
        ("Complaints", "acme-front", []),
    ],
    "northwind": [("Network outage", "northwind-front", []), ("Billing", "northwind-front", [])],
}
# Targets in minutes: (first response, resolution, business hours only?). Urgent work counts every minute.
SLA = {
    Priority.LOW: (480, 2880, True),
    Priority.NORMAL: (240, 960, True),
    Priority.HIGH: (60, 480, True),
    Priority.URGENT: (15, 120, False),
}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
# When each program's teams work, in its zone, and its closed days.
BUSINESS_HOURS = {
    "acme-bakery": (
        {**{day: ["08:00", "20:00"] for day in WEEKDAYS}, "sat": ["09:00", "17:00"]},
        ["2026-11-26", "2026-12-25", "2027-01-01"],
    ),
    "northwind": ({day: ["09:00", "17:30"] for day in WEEKDAYS}, ["2026-12-25", "2026-12-28", "2027-01-01"]),
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


def seed(*, scale: int, stdout: TextIO, tickets: int = 0) -> None:
    with transaction.atomic():
        for slug, categories in CATEGORIES.items():
            program = Program.objects.filter(slug=slug).first()
            if program is None:
                continue
            for name, team_slug, skills in categories:
                Category.objects.update_or_create(
                    program=program,
                    name=name,
                    defaults={
                        "team": Team.objects.filter(slug=team_slug).first(),
                        "skills": skills,
                    },
                )
            if slug in BUSINESS_HOURS:
                windows, holidays = BUSINESS_HOURS[slug]
                BusinessHours.objects.update_or_create(
                    program=program, defaults={"windows": windows, "holidays": holidays}
                )
            for priority, (first, resolution, business) in SLA.items():
                SlaPolicy.objects.update_or_create(
                    program=program,
                    priority=priority,
                    defaults={
                        "first_response_minutes": first,
                        "resolution_minutes": resolution,
                        "business_hours": business,
                    },
                )
        if Ticket.objects.filter(tags__contains=["demo"]).exists():
            stdout.write("  tickets: demo tickets already there\n")
        else:
            stdout.write(f"  tickets: {_demo_tickets()} demo tickets with history and follow-ups\n")
    if tickets:
        _seed_generated_tickets(tickets, stdout)


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


GENERATED_BATCH = 25_000


def _seed_generated_tickets(count: int, stdout: TextIO) -> None:
    """M generated tickets in Acme Bakery's three teams, two comments each, for benchmarks at scale.

    Shaped like a year of a 200-seat center: created over 365 days; 15 % open (two in three unassigned),
    5 % waiting on the customer, 30 % resolved, 50 % closed; customers drawn from the generated ones
    (else the demo ones). Straight ``INSERT ... SELECT generate_series`` in batches, numbers from the
    ticket sequence, every row through the program triggers.
    """
    program = Program.objects.filter(slug="acme-bakery").first()
    teams = list(Team.objects.filter(programs=program, is_active=True).order_by("id").values_list("pk", flat=True))
    if program is None or not teams:
        return
    members = {
        team: list(User.objects.filter(memberships__team_id=team, is_active=True).values_list("pk", flat=True))
        for team in teams
    }
    assignees: list[int | None] = [members[t][0] if members[t] else None for t in teams]
    author = User.objects.filter(username="agent").values_list("pk", flat=True).first()
    generated = Customer.objects.filter(program=program, tags__contains=["generated"]).exists()
    pool = Customer.objects.filter(program=program, erased_at__isnull=True)
    customers = (pool.filter(tags__contains=["generated"]) if generated else pool).count()
    start = Ticket.objects.filter(tags__contains=["generated"]).count()
    with tqdm(total=count, desc="generated tickets", unit="ticket", file=stdout) as progress:
        for done, size in bulk_batches(count, GENERATED_BATCH, analyze=["tickets_ticket", "crm_customer"]):
            _insert_ticket_batch(
                program=program.pk,
                teams=teams,
                assignees=assignees,
                author=author,
                generated=generated,
                customers=customers,
                offset=start + done,
                size=size,
            )
            progress.update(size)


def _insert_ticket_batch(
    *,
    program: int,
    teams: list[int],
    assignees: list[int | None],
    author: int | None,
    generated: bool,
    customers: int,
    offset: int,
    size: int,
) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        bulk_transaction(cursor)
        cursor.execute(
            """
            WITH pool AS (
              SELECT id, row_number() OVER (ORDER BY id) - 1 AS rn FROM crm_customer
              WHERE program_id = %(program)s AND erased_at IS NULL
                AND (NOT %(generated)s OR tags @> ARRAY['generated']::varchar[])
            ),
            new AS (
              INSERT INTO tickets_ticket (created_at, updated_at, subject, description, program_id,
                                          customer_id, team_id, assignee_id, priority, channel, tags, status,
                                          first_response_due, resolution_due, resolved_at, closed_at)
              SELECT c.at, c.at,
                     (ARRAY['Order arrived damaged','Charged twice','Cannot log in','Wrong item delivered',
                            'Refund not received','Change delivery address','Broken oven door','Missing invoice'])
                       [1 + g %% 8] || ' #' || g,
                     'Generated ticket ' || g || ': the customer called about it and wants an update.',
                     %(program)s, pool.id, (%(teams)s::bigint[])[1 + g %% %(nteams)s],
                     CASE WHEN c.status IN ('open', 'pending_customer') AND g %% 2 = 0
                          THEN NULL ELSE (%(assignees)s::bigint[])[1 + g %% %(nteams)s] END,
                     (ARRAY['normal','normal','high','low','urgent'])[1 + g %% 5], 'phone',
                     ARRAY['generated'], c.status,
                     c.at + interval '1 hour', c.at + interval '1 day',
                     CASE WHEN c.status IN ('resolved', 'closed') THEN c.at + interval '20 hours' END,
                     CASE WHEN c.status = 'closed' THEN c.at + interval '3 days' END
              FROM generate_series(%(start)s::int, %(stop)s::int) AS g
              CROSS JOIN LATERAL (
                SELECT now() - (g %% 365) * interval '1 day' - (g %% 1440) * interval '1 minute' AS at,
                       CASE WHEN g %% 20 < 3 THEN 'open' WHEN g %% 20 = 3 THEN 'pending_customer'
                            WHEN g %% 20 < 10 THEN 'resolved' ELSE 'closed' END AS status
              ) AS c
              JOIN pool ON pool.rn = g %% %(customers)s
              RETURNING id, created_at
            )
            INSERT INTO tickets_comment (created_at, updated_at, ticket_id, author_id, body, is_internal)
            SELECT new.created_at + k * interval '2 hours', new.created_at + k * interval '2 hours', new.id,
                   %(author)s,
                   CASE WHEN k = 1 THEN 'Customer confirmed the order number and the delivery address.'
                        ELSE 'Followed up by phone; waiting for the warehouse to confirm.' END,
                   k = 2
            FROM new CROSS JOIN generate_series(1, 2) AS k
            """,
            {
                "program": program,
                "teams": teams,
                "nteams": len(teams),
                "assignees": assignees,
                "author": author,
                "generated": generated,
                "customers": customers,
                "start": offset,
                "stop": offset + size - 1,
            },
        )

"""Demo customers, notes and calls; ``--scale N`` adds N generated customers with history, in bulk."""

from __future__ import annotations

import random
import unicodedata
from datetime import timedelta
from typing import TextIO

from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from agents.models import AgentState, Program, User
from agents.services import agent_state_set
from config.bulk import bulk_batches, bulk_transaction
from config.redaction import redact_text
from crm.models import (
    Call,
    CallDirection,
    CallEventKind,
    CannedText,
    Customer,
    CustomerEmail,
    CustomerPhone,
    Disposition,
    Note,
    Organization,
    WrapUpCode,
)
from crm.services.live_calls import call_answer, call_event_record, call_notes_draft_save, call_step

FIRST = [
    "Maria",
    "James",
    "Aisha",
    "Chen",
    "Olivia",
    "Mateo",
    "Sofia",
    "Liam",
    "Priya",
    "Noah",
    "Emma",
    "Lucas",
    "Fatima",
    "Ethan",
    "Grace",
    "Omar",
    "Chloe",
    "Hugo",
]
LAST = [
    "Garcia",
    "Smith",
    "Okafor",
    "Wang",
    "Johnson",
    "Rossi",
    "Müller",
    "Dubois",
    "Patel",
    "Kim",
    "Novak",
    "Silva",
    "Haddad",
    "Brown",
    "Lopez",
    "Meyer",
]
ORGS = ["Sunrise Cafe", "Harbor Hotels", "Bluebird Catering", "Green Leaf Grocers", "Maple Street Diner"]
NOTES = [
    ("Prefers email follow-ups, works night shifts.", ""),
    ("Called about a late delivery; was upset, calmed down once we offered a callback.", ""),
    ("Threatened legal action over a disputed invoice. Keep calm, stick to policy, escalate to billing.", "caution"),
    ("Hard of hearing: speak slowly and confirm details twice.", "vulnerable"),
    ("Long-standing wholesale client. Always route to the preferred agent when available.", "vip"),
    ("Repeatedly abusive on the phone; supervisor may take over.", "difficult"),
]
CALL_NOTES = [
    "Asked about opening hours for the holiday weekend.",
    "Order arrived damaged; photos requested by email.",
    "Wanted to change the delivery address for next week's order.",
    "Billing question about a double charge; explained the pending authorization.",
    "Password reset for the online shop account.",
    "Complained about a missing item; reshipment arranged.",
]
PER_PROGRAM = {"acme-bakery": 40, "northwind": 15}
SCALE_BATCH = 20_000


def seed(*, scale: int, stdout: TextIO, tickets: int = 0) -> None:
    rng = random.Random(42)
    created = 0
    for slug, count in PER_PROGRAM.items():
        program = Program.objects.filter(slug=slug).first()
        if program is None:
            continue
        agents = list(User.objects.filter(teams__programs=program, role="agent").distinct())
        with transaction.atomic():
            for i in range(count):
                created += _demo_customer(program, i, rng, agents)
    stdout.write(f"  crm: {created} demo customers added\n")
    _demo_wrap_up_codes()
    stdout.write(f"  crm: {_demo_canned_texts()} canned replies and note templates\n")
    stdout.write(f"  crm: {_demo_live_calls()} live demo calls (ringing, connected, on hold, wrap-up, missed...)\n")
    if scale:
        _seed_scale(scale, stdout)


# title, kind, body (placeholders: crm.models.PLACEHOLDERS)
CANNED = [
    ("Greeting", "reply", "Hello {customer_first_name},\n\nThank you for contacting {program}. "),
    (
        "Refund on its way",
        "reply",
        "Hello {customer_first_name}, your refund for {ticket_number} is on its way: "
        "expect it within 5 business days.\n\n{agent_first_name}, {program}",
    ),
    (
        "Waiting for your photo",
        "reply",
        "Hello {customer_first_name}, could you send us a photo of the damaged "
        "order ({ticket_number})? We will take it from there.\n\n{agent_first_name}",
    ),
    ("Sign-off", "reply", "Kind regards,\n{agent_name}, {program}"),
    ("Verified identity", "note", "Identity verified (name, postcode and last order)."),
    ("Callback promised", "note", "Promised {customer_name} a call back; reason: "),
    ("Escalated to billing", "note", "Escalated to billing: "),
]


def _demo_canned_texts() -> int:
    created = 0
    for program in Program.objects.filter(slug__in=list(PER_PROGRAM)):
        for title, kind, body in CANNED:
            created += CannedText.objects.get_or_create(
                program=program, team=None, kind=kind, title=title, defaults={"body": body}
            )[1]
    return created


def _demo_customer(program: Program, i: int, rng: random.Random, agents: list[User]) -> int:
    name = f"{FIRST[i % len(FIRST)]} {LAST[(i * 7) % len(LAST)]}"
    if i >= len(FIRST):
        name += f" {chr(65 + i // len(FIRST))}."
    customer, created = Customer.objects.get_or_create(
        program=program,
        name=name,
        defaults={
            "preferred_language": "es" if i % 6 == 0 else ("fr" if i % 9 == 0 else "en"),
            "time_zone": program.time_zone,
            "vip": i % 11 == 0,
            "do_not_call": i % 13 == 5,
            "marketing_consent": i % 3 == 0,
            "tags": ["wholesale"] if i % 5 == 0 else [],
            "organization": Organization.objects.get_or_create(program=program, name=ORGS[i % len(ORGS)])[0]
            if i % 4 == 0
            else None,
            "preferred_agent": agents[0] if agents and i % 10 == 0 else None,
        },
    )
    if not created:
        return 0
    area = "415" if program.default_region == "US" else "20"
    country = "+1" if program.default_region == "US" else "+44"
    number = f"{country}{area}555{1000 + i:04d}" if program.default_region == "US" else f"+44207946{i:04d}"
    CustomerPhone.objects.create(customer=customer, number=number, label="mobile", is_primary=True)
    local = unicodedata.normalize("NFKD", name.lower()).encode("ascii", "ignore").decode()
    local = ".".join(part.strip(".") for part in local.split())
    CustomerEmail.objects.create(customer=customer, address=f"{local}@example.com", is_primary=True)
    note_text, flag = NOTES[i % len(NOTES)]
    if i % 3 == 0 or flag:
        Note.objects.create(customer=customer, author=agents[0] if agents else None, body=note_text, flag=flag)
    now = timezone.now()
    for c in range(rng.randint(1, 5)):
        started = now - timedelta(days=rng.randint(0, 120), minutes=rng.randint(0, 600))
        talk = rng.randint(45, 900)
        Call.objects.create(
            program=program,
            customer=customer,
            agent=rng.choice(agents) if agents else None,
            direction=CallDirection.INBOUND if c % 3 else CallDirection.OUTBOUND,
            phone_number=number,
            started_at=started,
            answered_at=started + timedelta(seconds=rng.randint(5, 120)),
            ended_at=started + timedelta(seconds=talk + 120),
            wait_seconds=rng.randint(5, 120),
            talk_seconds=talk,
            hold_seconds=rng.choice([0, 0, 30, 90]),
            disposition=rng.choice([Disposition.RESOLVED, Disposition.RESOLVED, Disposition.FOLLOW_UP]),
            notes=redact_text(rng.choice(CALL_NOTES)),
            first_contact_resolution=c % 2 == 0,
        )
    Customer.objects.filter(pk=customer.pk).update(last_activity_at=now)
    return 1


def _seed_scale(scale: int, stdout: TextIO) -> None:
    """N generated customers, each with a phone, an email, three calls and (one in ten) a note.

    Straight ``INSERT ... SELECT generate_series`` in batches: a million customers take minutes, not hours.
    """
    program = Program.objects.filter(slug="acme-bakery").first() or Program.objects.order_by("pk").first()
    if program is None:
        return
    start = Customer.objects.filter(tags__contains=["generated"]).count()
    with tqdm(total=scale, desc="generated customers", unit="customer", file=stdout) as progress:
        for done, size in bulk_batches(scale, SCALE_BATCH, analyze=["crm_customer", "crm_call"]):
            _insert_batch(program.pk, start + done, size)
            progress.update(size)


def _insert_batch(program_id: int, offset: int, size: int) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        bulk_transaction(cursor)
        cursor.execute(
            """
            WITH new AS (
              INSERT INTO crm_customer (created_at, updated_at, program_id, name, preferred_language, time_zone,
                                        tags, vip, marketing_consent, do_not_call, legal_hold, last_activity_at)
              SELECT now(), now(), %(program)s,
                     (ARRAY['Maria','James','Aisha','Chen','Olivia','Mateo','Sofia','Liam'])[1 + g %% 8]
                       || ' '
                       || (ARRAY['Garcia','Smith','Okafor','Wang','Rossi','Patel','Kim','Novak'])[1 + (g / 8) %% 8]
                       || ' ' || g,
                     'en', 'America/New_York', ARRAY['generated'], false, false, false, false,
                     now() - (g %% 365) * interval '1 day'
              FROM generate_series(%(start)s::int, %(stop)s::int) AS g
              RETURNING id, split_part(name, ' ', 3)::bigint AS g
            ), phones AS (
              INSERT INTO crm_customerphone (created_at, updated_at, customer_id, number, label, is_primary)
              SELECT now(), now(), id, '+1202' || lpad((g %% 10000000)::text, 7, '0'), 'mobile', true FROM new
            ), emails AS (
              INSERT INTO crm_customeremail (created_at, updated_at, customer_id, address, is_primary)
              SELECT now(), now(), id, 'customer' || g || '@example.net', true FROM new
            ), notes AS (
              INSERT INTO crm_note (created_at, updated_at, customer_id, body, flag)
              SELECT now(), now(), id, 'Generated note for benchmarks.',
                     CASE WHEN g %% 50 = 0 THEN 'caution' ELSE '' END
              FROM new WHERE g %% 10 = 0
            )
            INSERT INTO crm_call (created_at, updated_at, direction, program_id, customer_id, phone_number,
                                  dialed_number, started_at, answered_at, ended_at, wait_seconds, talk_seconds,
                                  hold_seconds, wrap_up_seconds, disposition, notes, first_contact_resolution,
                                  state, transferred, notes_draft)
            SELECT now(), now(), 'inbound', %(program)s, new.id, '+1202' || lpad((g %% 10000000)::text, 7, '0'), '',
                   now() - (k * 7 + g %% 30) * interval '1 day', now() - (k * 7 + g %% 30) * interval '1 day',
                   now() - (k * 7 + g %% 30) * interval '1 day' + interval '4 minutes', 20, 240, 0, 30,
                   'resolved', 'Generated call.', true, 'completed', false, ''
            FROM new CROSS JOIN generate_series(1, 3) AS k
            """,
            {"program": program_id, "start": offset, "stop": offset + size - 1},
        )


WRAP_UP_CODES = {
    "acme-bakery": [
        ("order-status", "Order status", False),
        ("billing-question", "Billing question", False),
        ("complaint", "Complaint", False),
        ("refund-requested", "Refund requested", False),
        ("resolved-info", "Information given", True),
        ("wrong-number", "Wrong number", False),
    ],
    "northwind": [
        ("fault-report", "Fault report", False),
        ("plan-change", "Plan change", True),
        ("cancellation", "Cancellation", False),
        ("billing-dispute", "Billing dispute", False),
    ],
}


def _demo_wrap_up_codes() -> None:
    for slug, codes in WRAP_UP_CODES.items():
        program = Program.objects.filter(slug=slug).first()
        for position, (code, label, resolves) in enumerate(codes):
            if program is not None:
                WrapUpCode.objects.get_or_create(
                    program=program, code=code, defaults={"label": label, "resolves": resolves, "position": position}
                )


def _demo_live_calls() -> int:
    """A few calls in every state, made through the lifecycle's own services (so agents' states follow):
    Blake (Northwind) holds a caller, Bea (billing) wraps one up, the manager talks, the supervisor's phone
    rings, telephony left a missed and an abandoned call; Alex, the demo agent, is free for the next ring
    and the admin is at lunch. (The historic calls are completed.)"""
    if Call.objects.filter(external_id__startswith="demo-live-").exists():
        return 0
    names = ["agent", "billing_agent", "agent_b", "manager", "supervisor", "admin", "integrator"]
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    if len(users) < len(names):
        return 0
    now = timezone.now().replace(microsecond=0)
    made = 0
    held = Customer.objects.filter(program__slug="northwind", erased_at=None).order_by("id").first()
    if held is not None:
        call = call_answer(actor=users["agent_b"], customer=held, direction=CallDirection.INBOUND)
        call_step(actor=users["agent_b"], call=call, event=CallEventKind.HOLD)
        Call.objects.filter(pk=call.pk).update(external_id="demo-live-held")  # a second seed knows it
        made += 1
    wrapping = Customer.objects.filter(program__slug="acme-bakery", erased_at=None).order_by("id")[1:2].first()
    if wrapping is not None:
        call = call_answer(actor=users["billing_agent"], customer=wrapping, direction=CallDirection.INBOUND)
        call_notes_draft_save(actor=users["billing_agent"], call=call, text="Asked why the March invoice doubled.")
        call_step(actor=users["billing_agent"], call=call, event=CallEventKind.END)
        Call.objects.filter(pk=call.pk).update(external_id="demo-live-wrap-up")
        made += 1
    talking = Customer.objects.filter(program__slug="acme-bakery", erased_at=None).order_by("id")[2:3].first()
    if talking is not None:
        # Inbound: an outbound call made now could fall outside the customer's calling hours (invariant 12).
        call = call_answer(actor=users["manager"], customer=talking, direction=CallDirection.INBOUND)
        Call.objects.filter(pk=call.pk).update(external_id="demo-live-connected")
        made += 1
    telephony = users["integrator"]
    for external_id, events in (
        ("demo-live-missed", [("queue", 0, None), ("ring", 8, users["agent"]), ("end", 38, None)]),
        ("demo-live-abandoned", [("queue", 0, None), ("abandon", 52, None)]),
        ("demo-live-ringing", [("queue", 1170, None), ("ring", 1190, users["supervisor"])]),
    ):
        for event, seconds, agent in events:
            call_event_record(
                actor=telephony,
                external_id=external_id,
                event=event,
                at=now - timedelta(minutes=20) + timedelta(seconds=seconds),
                agent=agent,
                phone_number="+14155550198",
            )
        made += 1
    agent_state_set(actor=None, agent=users["agent"], state=AgentState.AVAILABLE, source="demo")
    agent_state_set(actor=None, agent=users["admin"], state=AgentState.BREAK, reason="lunch", source="demo")
    return made

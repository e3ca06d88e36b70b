"""Demo: calling hours for both programs, a do-not-call list, a few customers' consent, and Acme's running
renewal campaign with a few hundred contacts: some on the do-not-call list, some in time zones where it is
night (they wait for their morning), a few already called."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from agents.models import Program, User
from crm.models import CallingHours, Customer, CustomerPhone, DoNotCallEntry, DoNotCallSource
from crm.services.outbound import consent_record
from outbound.models import Campaign
from outbound.services import (
    ContactRow,
    campaign_create,
    campaign_import_contacts,
    campaign_next,
    campaign_set_status,
    contact_outcome,
)

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
HOURS = {
    "acme-bakery": ({**{d: ["08:00", "21:00"] for d in WEEKDAYS}, "sat": ["09:00", "17:00"]},
                    [date(2026, 11, 26), date(2026, 12, 25), date(2027, 1, 1)]),
    "northwind": ({**{d: ["09:00", "20:00"] for d in WEEKDAYS}, "sat": ["10:00", "16:00"]},
                  [date(2026, 12, 25), date(2026, 12, 26), date(2027, 1, 1)]),
}  # fmt: skip
# New contacts far away: at most hours of the day, someone among them is asleep.
FAR_AWAY = [("Kenji Sato", "+81312345678", "Asia/Tokyo"), ("Olivia Brown", "+61291234567", "Australia/Sydney"),
            ("Priya Nair", "+912212345678", "Asia/Kolkata"), ("Lars Berg", "+4721234567", "Europe/Oslo"),
            ("Ana Souza", "+551123456789", "America/Sao_Paulo")]  # fmt: skip
CONTACTS = 300
# Fictional numbers (555-01xx) across North America, Hawaii and Alaska included: no zone of their own, so
# the number's region says when they may be called.
AREAS = ("212", "312", "415", "617", "305", "206", "808", "907", "512", "720")
FIRST = ("Alex", "Sam", "Jordan", "Taylor", "Casey", "Riley", "Morgan", "Jamie", "Avery", "Quinn", "Drew", "Robin")
LAST = ("Smith", "Garcia", "Chen", "Okafor", "Novak", "Haddad", "Silva", "Kim", "Murphy", "Rossi", "Dubois")


def seed(*, scale: int, stdout: TextIO, tickets: int = 0) -> None:
    acme = Program.objects.filter(slug="acme-bakery").first()
    supervisor = User.objects.filter(username="supervisor").first()
    agent = User.objects.filter(username="agent").first()
    if acme is None or supervisor is None or agent is None or Campaign.objects.filter(program=acme).exists():
        return
    rng = random.Random(20)
    with transaction.atomic():
        for slug, (windows, holidays) in HOURS.items():
            program = Program.objects.filter(slug=slug).first()
            if program is not None:
                CallingHours.objects.get_or_create(program=program, defaults={"windows": windows, "holidays": holidays})
        phones = list(
            CustomerPhone.objects.filter(customer__program=acme, customer__erased_at=None, is_primary=True)
            .select_related("customer")
            .order_by("customer_id")[: CONTACTS - len(FAR_AWAY)]
        )
        for phone in phones[1:40:4]:
            when = timezone.now() - timedelta(days=rng.randint(1, 60))
            consent_record(
                actor=agent, customer=phone.customer, purpose="outbound_calls", granted=rng.random() < 0.8,
                channel="phone", source="Asked at the end of a call", at=when,
            )  # fmt: skip
        campaign = campaign_create(
            actor=supervisor, program=acme, name="Loyalty card renewals", max_attempts=3,
            retry_after_minutes={"no_answer": 180, "busy": 20, "voicemail": 1440},
            windows={**{d: ["09:00", "20:00"] for d in WEEKDAYS}, "sat": ["10:00", "14:00"]},
        )  # fmt: skip
        rows = [ContactRow(line=0, name=p.customer.name, phone=p.number) for p in phones]
        rows += [ContactRow(line=0, name=n, phone=ph, time_zone=tz) for n, ph, tz in FAR_AWAY]
        for n in range(CONTACTS - len(rows)):
            name = f"{FIRST[n % len(FIRST)]} {LAST[(n // len(FIRST)) % len(LAST)]}"
            rows.append(ContactRow(line=0, name=name, phone=f"+1{AREAS[n % len(AREAS)]}55501{n // len(AREAS):02d}"))
        rows = [ContactRow(line=i, name=r.name, phone=r.phone, time_zone=r.time_zone) for i, r in enumerate(rows, 2)]
        listed = [row.phone for row in rows[::15]]  # one in fifteen: half on Acme's list, half on the registry's
        DoNotCallEntry.objects.bulk_create(
            [DoNotCallEntry(program=acme, number=n, source=DoNotCallSource.CLIENT) for n in listed[: len(listed) // 2]]
            + [
                DoNotCallEntry(program=None, number=n, source=DoNotCallSource.REGISTRY)
                for n in listed[len(listed) // 2 :]
            ],
            ignore_conflicts=True,
        )
        report = campaign_import_contacts(actor=supervisor, campaign=campaign, rows=rows)
        campaign = campaign_set_status(actor=supervisor, campaign=campaign, status="running")
        called = 0
        for outcome in ("success", "no_answer", "refused", "voicemail", "success", "busy"):
            contact = campaign_next(actor=agent, campaign=campaign)
            if contact is None:
                break  # nobody may be called at this hour: the demo's agent finds the list as it is
            contact_outcome(actor=agent, contact=contact, outcome=outcome)
            called += 1
    excluded = Customer.objects.filter(campaign_contacts__campaign=campaign, do_not_call=True).count()
    stdout.write(
        f"  outbound: calling hours, {len(listed)} numbers on do-not-call lists, '{campaign.name}' running with "
        f"{report.added} contacts ({excluded} flagged do-not-call), {called} called so far\n"
    )

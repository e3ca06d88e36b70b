"""Demo authority limits and a few requests waiting in the supervisor's queue."""

from __future__ import annotations

from decimal import Decimal
from typing import TextIO

from django.db import transaction

from agents.models import Role, User
from approvals.models import ApprovalRequest, AuthorityLimit
from approvals.services import approval_request
from crm.models import Customer

# role -> (refund, credit, fee waiver), USD and GBP alike
LIMITS = {
    Role.AGENT: (Decimal(50), Decimal(25), Decimal(20)),
    Role.SUPERVISOR: (Decimal(500), Decimal(250), Decimal(200)),
    Role.MANAGER: (Decimal(5000), Decimal(2500), Decimal(2000)),
}
REQUESTS = [
    ("refund", Decimal("89.00"), "Wedding cake delivered a day late; customer asks for a full refund."),
    ("credit", Decimal("40.00"), "Goodwill credit after three missed deliveries in a month."),
    ("refund", Decimal("720.00"), "Catering order cancelled by us because of a kitchen fire."),
    ("exception", None, "Accept a return after 45 days: customer was in hospital."),
]


def seed(*, scale: int, stdout: TextIO, tickets: int = 0) -> None:
    with transaction.atomic():
        for role, amounts in LIMITS.items():
            for kind, amount in zip(("refund", "credit", "fee_waiver"), amounts, strict=True):
                for currency in ("USD", "GBP"):
                    AuthorityLimit.objects.update_or_create(
                        role=role, user=None, kind=kind, currency=currency, defaults={"max_amount": amount}
                    )
        agent = User.objects.filter(username="agent").first()
        if agent is None or ApprovalRequest.objects.exists():
            return
        customers = list(Customer.objects.filter(program__slug="acme-bakery").order_by("pk")[:4])
        for (kind, asked, reason), customer in zip(REQUESTS, customers, strict=False):
            approval_request(
                actor=agent,
                kind=kind,
                amount=asked,
                currency="USD" if asked else "",
                reason=reason,
                policy="30-day returns" if kind == "exception" else "",
                customer=customer,
            )
    stdout.write(f"  approvals: limits for {len(LIMITS)} roles, {len(REQUESTS)} demo requests\n")

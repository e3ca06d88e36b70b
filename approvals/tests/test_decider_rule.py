"""Who may decide an approval: one table of cases through every path that asks (issue 13).

Each case is asked of the permission check, the decider's queue and the notification list
(Python), and of the decision trigger through a raw UPDATE (SQL). All four must agree with
the expected answer, so the rule cannot drift between its callers.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from agents.models import Role
from agents.tests.factories import TeamFactory, make_user
from approvals.models import ApprovalRequest, AuthorityLimit
from approvals.permissions import can_decide_approval, deciders_of
from approvals.selectors import approval_queue
from approvals.services import approval_request
from crm.tests.factories import customer_with_phone

CASES = [
    # (who decides, amount asked, may decide)
    ("team_supervisor", "120.00", True),
    ("team_supervisor_low_own_limit", "400.00", False),
    ("team_supervisor_high_own_limit", "800.00", True),
    ("other_team_supervisor", "120.00", False),
    ("manager", "900.00", True),
    ("manager", "9000.00", False),
    ("admin", "90000.00", True),
    ("agent", "120.00", False),
    ("requester", "120.00", False),
    ("program_b_supervisor", "120.00", False),
    ("inactive_supervisor", "120.00", False),
]


@pytest.fixture
def people(world):
    for role, amount in ((Role.AGENT, 50), (Role.SUPERVISOR, 500), (Role.MANAGER, 5000)):
        AuthorityLimit.objects.create(role=role, kind="refund", currency="USD", max_amount=Decimal(amount))
    low = make_user(Role.SUPERVISOR, team=world.team_a, supervisor=True)
    AuthorityLimit.objects.create(user=low, kind="refund", currency="USD", max_amount=Decimal(300))
    high = make_user(Role.SUPERVISOR, team=world.team_a, supervisor=True)
    AuthorityLimit.objects.create(user=high, kind="refund", currency="USD", max_amount=Decimal(1000))
    inactive = make_user(Role.SUPERVISOR, team=world.team_a, supervisor=True)
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    return {
        "team_supervisor": world.supervisor,
        "team_supervisor_low_own_limit": low,
        "team_supervisor_high_own_limit": high,
        "other_team_supervisor": make_user(
            Role.SUPERVISOR, team=TeamFactory(programs=[world.program_a]), supervisor=True
        ),
        "manager": world.manager,
        "admin": world.admin,
        "agent": make_user(Role.AGENT, team=world.team_a),
        "requester": world.agent,
        "program_b_supervisor": make_user(Role.SUPERVISOR, team=world.team_b, supervisor=True),
        "inactive_supervisor": inactive,
    }


def _sql_allows(request: ApprovalRequest, decider) -> bool:
    try:
        with transaction.atomic():
            ApprovalRequest.objects.filter(pk=request.pk).update(
                status="approved", decided_by=decider, decided_at=timezone.now()
            )
            transaction.set_rollback(True)
    except IntegrityError:
        return False
    return True


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "amount", "expected"), CASES)
def test_every_path_gives_the_same_answer(world, people, who, amount, expected):
    request = approval_request(
        actor=world.agent,
        kind="refund",
        amount=Decimal(amount),
        currency="USD",
        reason="Late delivery",
        customer=customer_with_phone(world.program_a),
    )
    decider = people[who]
    answers = {
        "permission": can_decide_approval(decider, request),
        "queue": request in approval_queue(actor=decider),
        "notified": deciders_of(request).filter(pk=decider.pk).exists(),
        "trigger": _sql_allows(request, decider),
    }
    assert answers == dict.fromkeys(answers, expected), f"{who} asking {amount}"

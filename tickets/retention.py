"""The retention policy for closed tickets, plugged into crm's retention job (``retention_planners`` hook)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q

from crm.models import RetentionPolicy
from crm.services.retention import Plan, not_on_hold
from tickets.models import Ticket


def closed_tickets_plan(policy: RetentionPolicy, cutoff: datetime) -> Plan | None:
    if policy.target != RetentionPolicy.Target.CLOSED_TICKETS:
        return None
    tickets = Ticket.objects.filter(status=Ticket.Status.CLOSED, closed_at__lt=cutoff)
    tickets = tickets.filter(Q(customer__isnull=True) | not_on_hold("customer__"))
    return Plan(policy, tickets, lambda ids: Ticket.objects.filter(pk__in=ids).delete()[0])

"""Authority limits and approval requests for refunds, credits, fee waivers and policy exceptions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from agents.models import Program, Role, Team, TimeStamped


class ApprovalKind(models.TextChoices):
    REFUND = "refund", "Refund"
    CREDIT = "credit", "Account credit"
    FEE_WAIVER = "fee_waiver", "Fee waiver"
    EXCEPTION = "exception", "Policy exception"


MONETARY_KINDS = (ApprovalKind.REFUND, ApprovalKind.CREDIT, ApprovalKind.FEE_WAIVER)


class AuthorityLimit(TimeStamped):
    """The most a role (or, overriding it, one user) may grant alone, per kind and currency."""

    role = models.CharField(max_length=20, choices=Role.choices, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="authority_limits"
    )
    kind = models.CharField(max_length=12, choices=[c for c in ApprovalKind.choices if c[0] != "exception"])
    currency = models.CharField(max_length=3, default="USD")
    max_amount = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["role", "user", "kind", "currency"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(role="") & Q(user__isnull=False)) | (~Q(role="") & Q(user__isnull=True)),
                name="approvals_limit_role_xor_user",
            ),
            models.CheckConstraint(condition=Q(max_amount__gte=0), name="approvals_limit_not_negative"),
            models.UniqueConstraint(
                fields=["role", "kind", "currency"], condition=Q(user__isnull=True), name="approvals_limit_role_unique"
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "currency"], condition=Q(user__isnull=False), name="approvals_limit_user_unique"
            ),
        ]

    def __str__(self) -> str:
        who = self.user or self.get_role_display()
        return f"{who}: {self.kind} up to {self.max_amount} {self.currency}"


STATUS_CHOICES = [
    ("pending", "Pending"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("cancelled", "Cancelled"),
    ("expired", "Expired"),
    ("self_approved", "Granted within own limit"),
]


class ApprovalRequest(TimeStamped):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        CANCELLED = "cancelled", "Cancelled"
        EXPIRED = "expired", "Expired"
        SELF_APPROVED = "self_approved", "Granted within own limit"

    class Level(models.TextChoices):
        SUPERVISOR = "supervisor", "Supervisor"
        MANAGER = "manager", "Manager"

    kind = models.CharField(max_length=12, choices=ApprovalKind.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    reason = models.TextField(max_length=10_000)
    reference = models.CharField(max_length=100, blank=True, help_text="Order, invoice or transaction reference.")
    policy = models.CharField(max_length=200, blank=True, help_text="For exceptions: which policy.")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="approval_requests")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="approval_requests")
    customer = models.ForeignKey(
        "crm.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="approval_requests"
    )
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="approval_requests"
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.PENDING, db_index=True)
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.SUPERVISOR)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True, max_length=10_000)
    applied_at = models.DateTimeField(null=True, blank=True, help_text="When billing applied it.")
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["status", "team", "created_at"], name="approvals_queue"),
            models.Index(fields=["customer", "kind", "status"], name="approvals_customer"),
            # The metrics rollup counts the decisions of an interval.
            models.Index(fields=["program", "decided_at"], name="approvals_decided"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s for s, _ in STATUS_CHOICES]), name="approvals_status_valid"
            ),
            # Invariant 1: the decider is never the requester.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                name="approvals_not_own",
            ),
            # A decision by a person carries who and when; nothing else does.
            models.CheckConstraint(
                condition=(
                    Q(status__in=["approved", "rejected"], decided_by__isnull=False, decided_at__isnull=False)
                    | Q(status__in=["pending", "cancelled", "expired", "self_approved"], decided_by__isnull=True)
                ),
                name="approvals_decision_fields",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(decision_note=""), name="approvals_reject_reason"
            ),
            models.CheckConstraint(
                condition=Q(kind="exception") | (Q(amount__gt=0) & ~Q(currency="")),
                name="approvals_amount_required",
            ),
            models.CheckConstraint(
                condition=Q(applied_at__isnull=True) | Q(status__in=["approved", "self_approved"]),
                name="approvals_applied_only_granted",
            ),
        ]

    def __str__(self) -> str:
        amount = f" {self.amount} {self.currency}" if self.amount is not None else ""
        return f"{self.get_kind_display()}{amount} ({self.get_status_display()})"


# Requests whose money or exception was granted: billing applies these.
GRANTED = (ApprovalRequest.Status.APPROVED, ApprovalRequest.Status.SELF_APPROVED)

"""Models of the agents app, one module per topic; import them from ``agents.models``."""

from agents.models.approvals import MONETARY_KINDS, ApprovalKind, ApprovalRequest, AuthorityLimit
from agents.models.audit import AuditEvent
from agents.models.notifications import Notification
from agents.models.people import (
    Membership,
    Program,
    ProgramPhoneNumber,
    Role,
    Team,
    TimeStamped,
    User,
    validate_time_zone,
)
from agents.models.tokens import ApiToken, IdempotencyRecord
from agents.models.webhooks import WebhookDelivery, WebhookSubscription

__all__ = [
    "MONETARY_KINDS",
    "ApiToken",
    "ApprovalKind",
    "ApprovalRequest",
    "AuditEvent",
    "AuthorityLimit",
    "IdempotencyRecord",
    "Membership",
    "Notification",
    "Program",
    "ProgramPhoneNumber",
    "Role",
    "Team",
    "TimeStamped",
    "User",
    "WebhookDelivery",
    "WebhookSubscription",
    "validate_time_zone",
]

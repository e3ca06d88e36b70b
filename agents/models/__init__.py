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

__all__ = [
    "MONETARY_KINDS",
    "ApprovalKind",
    "ApprovalRequest",
    "AuditEvent",
    "AuthorityLimit",
    "Membership",
    "Notification",
    "Program",
    "ProgramPhoneNumber",
    "Role",
    "Team",
    "TimeStamped",
    "User",
    "validate_time_zone",
]

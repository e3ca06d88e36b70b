"""Models of the agents app, one module per topic; import them from ``agents.models``."""

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
    "AuditEvent",
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

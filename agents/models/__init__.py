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
from agents.models.states import AgentState, AgentStateSpan, BreakReason

__all__ = [
    "AgentState",
    "AgentStateSpan",
    "AuditEvent",
    "BreakReason",
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

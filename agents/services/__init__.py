"""Writes of the agents app, one module per topic; import them from ``agents.services``."""

from agents.services.audit import SYSTEM_ACTOR, audit_record
from agents.services.notifications import (
    notification_email_send,
    notification_emails_dispatch,
    notification_mark_all_read,
    notification_mark_read,
    notification_send,
)
from agents.services.people import user_change_role
from agents.services.states import (
    StateRefused,
    agent_seen,
    agent_state_set,
    agent_states_sweep_idle,
)

__all__ = [
    "SYSTEM_ACTOR",
    "StateRefused",
    "agent_seen",
    "agent_state_set",
    "agent_states_sweep_idle",
    "audit_record",
    "notification_email_send",
    "notification_emails_dispatch",
    "notification_mark_all_read",
    "notification_mark_read",
    "notification_send",
    "user_change_role",
]

from config.privacy import Policy

# Rollups and targets hold counts and seconds per program, team, agent and interval: no customer data.
_CALL_SUMS = (
    "offered",
    "answered",
    "answered_in_time",
    "abandoned",
    "short_abandoned",
    "handled",
    "resolved_first",
    "transferred",
    "wait_seconds",
    "talk_seconds",
    "hold_seconds",
    "wrap_up_seconds",
)
_STATE_SUMS = ("available_seconds", "on_call_seconds", "wrap_up_seconds", "break_seconds")
POLICIES = {
    "reports.ProgramTargets": Policy(
        not_personal=(
            "service_level_seconds", "short_abandon_seconds", "aht_seconds", "asa_seconds", "service_level",
            "abandon_rate", "fcr_rate", "csat",
        )
    ),
    "reports.CallInterval": Policy(not_personal=("start", *_CALL_SUMS)),
    "reports.CallDay": Policy(not_personal=("zone", "day", *_CALL_SUMS)),
    "reports.WorkInterval": Policy(
        not_personal=(
            "start", "tickets_opened", "tickets_resolved", "resolved_with_due", "resolved_in_time",
            "approvals_decided", "approval_seconds", "callbacks_due", "callbacks_on_time",
        )
    ),
    "reports.AgentInterval": Policy(not_personal=("start", *_STATE_SUMS)),
    "reports.AgentDay": Policy(not_personal=("zone", "day", *_STATE_SUMS)),
    "reports.ReportingZone": Policy(not_personal=("name", "ready")),
    "reports.RollupCursor": Policy(not_personal=("name", "position")),
}  # fmt: skip

from config.privacy import Policy
from reports.models import CALL_SUMS, STATE_SUMS, WORK_SUMS

# Rollups and targets hold counts and seconds per program, team, agent and interval: no customer data.
POLICIES = {
    "reports.ProgramTargets": Policy(
        not_personal=(
            "service_level_seconds", "short_abandon_seconds", "aht_seconds", "asa_seconds", "service_level",
            "abandon_rate", "fcr_rate", "csat",
        )
    ),
    "reports.CallInterval": Policy(not_personal=("start", *CALL_SUMS)),
    "reports.CallDay": Policy(not_personal=("zone", "day", *CALL_SUMS)),
    "reports.WorkInterval": Policy(not_personal=("start", *WORK_SUMS)),
    "reports.AgentInterval": Policy(not_personal=("start", *STATE_SUMS)),
    "reports.AgentDay": Policy(not_personal=("zone", "day", *STATE_SUMS)),
    "reports.ReportingZone": Policy(not_personal=("name", "ready")),
    "reports.RollupCursor": Policy(not_personal=("name", "position")),
}  # fmt: skip

from config.privacy import Policy

# Staff accounts are not customer data; their own rights are handled by HR, not by customer erasure.
POLICIES = {
    "agents.User": Policy(
        not_personal=(
            "password",
            "username",
            "first_name",
            "last_name",
            "email",
            "role",
            "time_zone",
            "languages",
            "skills",
            "extension",
        ),
    ),
    "agents.Program": Policy(not_personal=("name", "slug", "default_region", "time_zone")),
    "agents.ProgramPhoneNumber": Policy(not_personal=("number", "label")),
    "agents.Team": Policy(not_personal=("name", "slug", "languages", "skills")),
    "agents.Membership": Policy(),
    "agents.BreakReason": Policy(not_personal=("code", "label")),
    "agents.AgentStateSpan": Policy(not_personal=("state", "source")),
    "agents.AuditEvent": Policy(not_personal=("action", "actor_label", "object_type", "object_id", "data")),
    "agents.Notification": Policy(free_text=("title", "body"), not_personal=("kind", "url", "dedupe_key")),
}

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
            "extension",
        ),
    ),
    "agents.Program": Policy(not_personal=("name", "slug", "default_region", "time_zone")),
    "agents.ProgramPhoneNumber": Policy(not_personal=("number", "label")),
    "agents.Team": Policy(not_personal=("name", "slug")),
    "agents.Membership": Policy(),
    "agents.AuditEvent": Policy(not_personal=("action", "actor_label", "object_type", "object_id", "data")),
    "agents.Notification": Policy(free_text=("title", "body"), not_personal=("kind", "url", "dedupe_key")),
    "agents.AuthorityLimit": Policy(not_personal=("role", "kind", "currency")),
    "agents.ApprovalRequest": Policy(
        free_text=("reason", "reference", "policy", "decision_note"),
        not_personal=("kind", "currency", "status", "level"),
        customer="customer",
    ),
    "agents.ApiToken": Policy(not_personal=("name", "prefix", "key_hash")),
    "agents.IdempotencyRecord": Policy(not_personal=("scope", "key", "fingerprint", "content_type", "response_body")),
    "agents.WebhookSubscription": Policy(not_personal=("url", "secret", "events")),
    "agents.WebhookDelivery": Policy(not_personal=("event", "payload", "error")),
}

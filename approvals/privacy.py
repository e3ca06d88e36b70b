from config.privacy import Policy

POLICIES = {
    "approvals.AuthorityLimit": Policy(not_personal=("role", "kind", "currency")),
    "approvals.ApprovalRequest": Policy(
        free_text=("reason", "reference", "policy", "decision_note"),
        not_personal=("kind", "currency", "status", "level"),
        customer="customer",
    ),
}

from config.privacy import Policy

POLICIES = {
    "outbound.Campaign": Policy(not_personal=("name", "status", "windows", "retry_after_minutes")),
    # A contact's number is the customer's: erasure blanks it with the customer's other numbers.
    "outbound.CampaignContact": Policy(
        personal=("phone",),
        not_personal=("status", "last_outcome", "excluded_because"),
        customer="customer",
    ),
    "outbound.Attempt": Policy(free_text=("note",), not_personal=("outcome",), customer="contact__customer"),
}

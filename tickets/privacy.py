from config.privacy import Policy

POLICIES = {
    "tickets.Category": Policy(not_personal=("name", "skills")),
    "tickets.Ticket": Policy(
        free_text=("subject", "description"),
        not_personal=("number", "priority", "channel", "tags", "status", "language"),
        no_cards=("tags",),
        customer="customer",
    ),
    "tickets.TicketEvent": Policy(
        free_text=("note",), not_personal=("kind", "old_value", "new_value"), customer="ticket__customer"
    ),
    "tickets.Comment": Policy(free_text=("body",), not_personal=("from_customer",), customer="ticket__customer"),
    "tickets.SlaPolicy": Policy(not_personal=("priority",)),
    "tickets.BusinessHours": Policy(not_personal=("windows", "holidays")),
    "tickets.SlaRecompute": Policy(),
    "tickets.QueueCount": Policy(not_personal=("status",)),
    "tickets.FollowUp": Policy(free_text=("note",), not_personal=("status",), customer="customer"),
}

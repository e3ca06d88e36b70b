from config.privacy import Policy

# Integration records hold no customer data: payloads carry ids and non-personal facts.
POLICIES = {
    "integrations.ApiToken": Policy(not_personal=("name", "prefix", "key_hash")),
    "integrations.IdempotencyRecord": Policy(
        not_personal=("scope", "key", "fingerprint", "content_type", "response_body")
    ),
    "integrations.WebhookSubscription": Policy(not_personal=("url", "secret", "events"), no_cards=("url",)),
    "integrations.WebhookDelivery": Policy(not_personal=("event", "payload", "error")),
}

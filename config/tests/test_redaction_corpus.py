"""Card redaction against generated corpora (issue 14): 0 cards kept, at most 1 % of look-alikes altered."""

from __future__ import annotations

from config.redaction import redact_text
from config.tests.card_corpus import cards, leaked, look_alikes


def test_no_card_or_code_survives_in_any_format():
    samples = cards()
    assert len(samples) >= 2000
    survivors = [sample for sample in samples if leaked(sample, redact_text(sample.text))]
    assert survivors == [], f"{len(survivors)} kept, e.g. {survivors[:3]}"


def test_look_alikes_are_left_alone():
    samples = look_alikes()
    altered = [sample.text for sample in samples if redact_text(sample.text) != sample.text]
    assert len(altered) <= len(samples) // 100, f"{len(altered)} of {len(samples)} altered, e.g. {altered[:5]}"


def test_masked_cards_keep_at_most_the_last_four_digits():
    assert redact_text("paid with 4111 1111 1111 1111 today") == "paid with **** **** **** 1111 today"
    assert redact_text("ref 12 4111 1111 1111 1111") == "ref 12 **** **** **** 1111"
    assert redact_text("CVV 1 2 3 and code on the back: 321") == "CVV *** and code on the back: ***"


def test_structured_fields_refuse_a_card_naming_the_field(world):
    """Tags, email addresses, external ids and webhook URLs are not rewritten: a card there is a 400."""
    from rest_framework.test import APIClient

    from crm.models import Call, Customer
    from crm.tests.factories import customer_with_phone

    api = APIClient()
    api.force_authenticate(world.agent)
    card = "4111\u00a01111\u00a01111\u00a01111"
    refusals = {
        "tags": api.post("/api/v1/customers/", {"name": "A", "tags": [f"vip {card}"]}, format="json"),
        "emails": api.post(
            "/api/v1/customers/", {"name": "B", "emails": [{"address": "4111111111111111@example.com"}]}, format="json"
        ),
        "external_id": api.post(
            "/api/v1/calls/",
            {"direction": "inbound", "customer": customer_with_phone(world.program_a).pk, "external_id": card},
            format="json",
        ),
    }
    for field, response in refusals.items():
        assert response.status_code == 400, (field, response.json())
        assert field in response.json()["details"], (field, response.json())
    assert Customer.objects.count() == 1  # only the one the call test made
    assert not Call.objects.exists()

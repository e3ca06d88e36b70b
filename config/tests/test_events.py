"""Domain events say which program they are about, or say that they are about none (config.events)."""

from __future__ import annotations

import pytest

from config.events import publish, subscribe, unsubscribe

pytestmark = pytest.mark.django_db


def test_an_event_names_its_program_by_row_or_id_and_never_by_omission(world):
    heard: list[tuple[str, int | None, object]] = []
    subscriber = subscribe(lambda event, program_id, payload, program: heard.append((event, program_id, program)))
    try:
        publish("customer.merged", program=world.program_a, payload={})
        publish("customer.merged", program_id=world.program_b.pk, payload={})
        publish("customer.merged", program_id=None, payload={})  # about no program: said
        # Saying neither would reach every integrator's webhooks: refused.
        with pytest.raises(TypeError, match="program"):
            publish("customer.merged", payload={})
        with pytest.raises(ValueError, match="unknown event"):
            publish("customer.vanished", program_id=None, payload={})
    finally:
        unsubscribe(subscriber)
    assert heard == [
        ("customer.merged", world.program_a.pk, world.program_a),
        ("customer.merged", world.program_b.pk, None),
        ("customer.merged", None, None),
    ]

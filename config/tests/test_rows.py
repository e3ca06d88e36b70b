"""``config.rows.insert`` writes a new record as ``save()`` would: same row, same signals, same refusals."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db.models.signals import post_save
from django.forms.models import model_to_dict

from config.rows import insert
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

CARD = "4111 1111 1111 1111"


def _ticket(world: Any, **values: Any) -> Ticket:
    fields = {"subject": "Oven door broken", "program": world.program_a, "team": world.team_a, "tags": ["oven"]}
    return Ticket(**(fields | values))


def test_insert_writes_the_row_save_would_and_reads_back_the_database_defaults(world):
    saved = _ticket(world, description=f"Card {CARD} on file")
    saved.save()
    sent: list[tuple[int, bool]] = []

    def receiver(sender: type[Ticket], instance: Ticket, created: bool, **kwargs: Any) -> None:
        sent.append((instance.pk, created))

    post_save.connect(receiver, sender=Ticket, dispatch_uid="test-rows")
    try:
        inserted = insert(_ticket(world, description=f"Card {CARD} on file"))
    finally:
        post_save.disconnect(sender=Ticket, dispatch_uid="test-rows")

    assert sent == [(inserted.pk, True)]
    assert not inserted._state.adding
    stored = Ticket.objects.get(pk=inserted.pk)
    # The number is the sequence's next one, the pause the column's default, the card redacted by the guard.
    assert stored.number == inserted.number
    assert inserted.number.startswith("SB-")
    assert inserted.number != saved.number
    assert inserted.sla_paused == stored.sla_paused == timedelta(0)
    assert CARD not in stored.description
    assert stored.description == Ticket.objects.get(pk=saved.pk).description
    assert (inserted.created_at, inserted.updated_at) == (stored.created_at, stored.updated_at)
    differ = {"id", "number"}
    assert {k: v for k, v in model_to_dict(stored).items() if k not in differ} == {
        k: v for k, v in model_to_dict(Ticket.objects.get(pk=saved.pk)).items() if k not in differ
    }


def test_insert_refuses_what_save_refuses_naming_the_field(world):
    with pytest.raises(ValidationError) as refused:
        insert(_ticket(world, subject="x" * 201))
    assert "subject" in refused.value.message_dict
    assert not Ticket.objects.exists()
    stored = insert(_ticket(world))
    with pytest.raises(TypeError, match="without a key"):  # a record already stored is saved, not inserted
        insert(stored)
    assert Ticket.objects.count() == 1

"""Notes on a customer; a flag makes a note a badge wherever the customer appears."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from agents.models import User
from agents.services import audit_record
from config.errors import NotAllowed
from config.redaction import redact_text
from crm import permissions
from crm.models import Customer, Note, NoteFlag
from crm.services.customers import customer_touch


def note_create(*, actor: User, customer: Customer, body: str, flag: str = "") -> Note:
    """Stores a note (card numbers redacted); flagged notes are audited."""
    if not permissions.can_add_note(actor, customer):
        raise NotAllowed("You may not add notes to this customer.")
    body = redact_text((body or "").strip())
    if not body:
        raise ValidationError({"body": ["Write the note first."]})
    if flag not in NoteFlag.values:
        raise ValidationError({"flag": [f"Unknown flag {flag!r}."]})
    note = Note.objects.create(customer=customer, author=actor, body=body, flag=flag)
    customer_touch(customer_id=customer.pk)
    if flag:
        audit_record(action="note.flag", actor=actor, obj=note, data={"customer": customer.pk, "flag": flag})
    return note

"""Ticket forms: few fields, sensible defaults, every error named by its field."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms

from tickets.models import Priority, Ticket


class TicketForm(forms.Form):
    subject = forms.CharField(max_length=200, widget=forms.TextInput(attrs={"autofocus": True}))
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    category = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    priority = forms.ChoiceField(choices=Priority.choices, initial=Priority.NORMAL)

    def __init__(self, *args: Any, categories: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.categories = {c.pk: c for c in categories}
        field = self.fields["category"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "No category"), *((c.pk, c.name) for c in categories)]

    def clean_category(self) -> Any:
        pk = self.cleaned_data.get("category")
        return self.categories.get(pk) if pk else None


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Ticket.Status.choices)
    note = forms.CharField(required=False, max_length=2000)


class TransferForm(forms.Form):
    team = forms.IntegerField()
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), help_text="Required: what the next team needs.")


class CommentForm(forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Reply or internal note", "id": "comment-body"})
    )
    is_internal = forms.BooleanField(required=False, initial=True, label="Internal note")
    from_customer = forms.BooleanField(
        required=False, label="The customer's reply", help_text="Restarts the SLA clock of a ticket waiting on them"
    )


class WallClockDateTimeField(forms.DateTimeField):
    """A date and time as typed, with no zone attached: the service knows whose clock it is (the customer's)."""

    def to_python(self, value: Any) -> datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.replace(tzinfo=None)
        return forms.fields.BaseTemporalField.to_python(self, str(value).strip())


class FollowUpForm(forms.Form):
    due_at = WallClockDateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text="In the customer's time zone.",
    )
    note = forms.CharField(required=False, max_length=2000)
    reopen_ticket = forms.BooleanField(required=False, label="Reopen if the customer has not answered")

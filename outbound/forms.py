"""The contact-list upload and the outcome of a call."""

from __future__ import annotations

from django import forms

from outbound.models import Outcome


class ContactFileForm(forms.Form):
    file = forms.FileField(
        label="Contact list (CSV)",
        help_text="Columns: name, phone, and optionally time_zone and language; the first line names them.",
    )


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(choices=Outcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

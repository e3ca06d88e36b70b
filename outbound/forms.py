"""A campaign's settings, the contact-list upload and the outcome of a call."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django import forms

from agents.models import Program
from knowledge.models import Article
from outbound.models import Outcome


class ContactFileForm(forms.Form):
    file = forms.FileField(
        label="Contact list (CSV)",
        help_text="Columns: name, phone, and optionally time_zone and language; the first line names them.",
    )


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(choices=Outcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


DAYS = (("mon", "Monday"), ("tue", "Tuesday"), ("wed", "Wednesday"), ("thu", "Thursday"), ("fri", "Friday"),
        ("sat", "Saturday"), ("sun", "Sunday"))  # fmt: skip
RETRIED = ("no_answer", "busy", "voicemail", "callback")


class CampaignForm(forms.Form):
    """A campaign's settings as a supervisor types them: hours per weekday (blank: no calls that day)."""

    program = forms.ModelChoiceField(queryset=Program.objects.none())
    name = forms.CharField(max_length=120)
    script = forms.ModelChoiceField(queryset=Article.objects.none(), required=False, help_text="The call script")
    max_attempts = forms.IntegerField(min_value=1, max_value=20, initial=3)
    requires_consent = forms.BooleanField(required=False, label="Call only customers who consented")
    holidays = forms.CharField(
        required=False, help_text="Dates without calls, YYYY-MM-DD, separated by commas", max_length=2000
    )

    def __init__(self, *args: Any, programs: Any, scripts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["program"]).queryset = programs
        cast(forms.ModelChoiceField, self.fields["script"]).queryset = scripts
        for day, label in DAYS:
            weekend = day in {"sat", "sun"}
            self.fields[f"{day}_start"] = forms.TimeField(
                required=False, label=f"{label} from", initial=None if weekend else "09:00",
                widget=forms.TimeInput(attrs={"type": "time"}),
            )  # fmt: skip
            self.fields[f"{day}_end"] = forms.TimeField(
                required=False, label=f"{label} until", initial=None if weekend else "20:00",
                widget=forms.TimeInput(attrs={"type": "time"}),
            )  # fmt: skip
        for outcome in RETRIED:
            self.fields[f"retry_{outcome}"] = forms.IntegerField(
                required=False, min_value=0, label=f"Retry after {Outcome(outcome).label.lower()} (minutes)"
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        windows = {}
        for day, label in DAYS:
            start, end = cleaned.get(f"{day}_start"), cleaned.get(f"{day}_end")
            if (start is None) != (end is None):
                self.add_error(f"{day}_end", f"Give both times for {label}, or neither.")
            elif start is not None and end is not None:
                windows[day] = [start.strftime("%H:%M"), end.strftime("%H:%M")]
        holidays = []
        for text in filter(None, (part.strip() for part in cleaned.get("holidays", "").split(","))):
            try:
                holidays.append(date.fromisoformat(text))
            except ValueError:
                self.add_error("holidays", f"{text!r} is not a date (YYYY-MM-DD).")
        cleaned["windows"] = windows
        cleaned["holiday_dates"] = holidays
        cleaned["retry_after_minutes"] = {
            outcome: cleaned[f"retry_{outcome}"] for outcome in RETRIED if cleaned.get(f"retry_{outcome}") is not None
        }
        return cleaned

    def settings(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "script": data.get("script"),
            "windows": data["windows"],
            "holidays": data["holiday_dates"],
            "max_attempts": data["max_attempts"],
            "retry_after_minutes": data["retry_after_minutes"],
            "requires_consent": data["requires_consent"],
        }

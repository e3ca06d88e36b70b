"""Forms of the agent workspace: short, keyboard-first, errors named by field."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from crm.models import Call, CallDirection, NoteFlag, WrapUpCode


class CustomerForm(forms.Form):
    name = forms.CharField(max_length=200, widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}))
    phone = forms.CharField(max_length=40, required=False, help_text="Any format; stored as +1 415 555 0100.")
    phone_2 = forms.CharField(max_length=40, required=False, label="Other phone")
    email = forms.EmailField(required=False)
    organization = forms.CharField(max_length=200, required=False)
    preferred_language = forms.CharField(max_length=8, initial="en")
    time_zone = forms.CharField(max_length=64, initial="UTC")
    tags = forms.CharField(max_length=200, required=False, help_text="Comma separated.")
    vip = forms.BooleanField(required=False, label="VIP")
    marketing_consent = forms.BooleanField(required=False)
    do_not_call = forms.BooleanField(required=False, label="Do not call")
    confirm_duplicate = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean_tags(self) -> list[str]:
        return [tag.strip()[:40] for tag in self.cleaned_data["tags"].split(",") if tag.strip()]

    def profile(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in ("preferred_language", "time_zone", "tags", "vip", "marketing_consent", "do_not_call")
        }


class NoteForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Note (Ctrl+Enter saves)"}))
    flag = forms.ChoiceField(choices=NoteFlag.choices, required=False)


class CallStartForm(forms.Form):
    direction = forms.ChoiceField(choices=CallDirection.choices, initial=CallDirection.INBOUND)
    phone_number = forms.CharField(
        max_length=40, required=False, widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"})
    )


class CallWrapUpForm(forms.Form):
    """The end of the agent's work on a call: the program's wrap-up code, first contact, notes, ticket."""

    notes = forms.CharField(required=False, max_length=20_000, widget=forms.Textarea(attrs={"rows": 3}))
    wrap_up_code = forms.ModelChoiceField(queryset=WrapUpCode.objects.none(), required=False, label="Wrap-up code")
    first_contact_resolution = forms.BooleanField(required=False, label="Resolved on first contact")
    ticket = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Link to ticket")

    def __init__(self, *args: Any, call: Call, open_tickets: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        code_field = cast(forms.ModelChoiceField, self.fields["wrap_up_code"])
        code_field.queryset = WrapUpCode.objects.filter(program_id=call.program_id, is_active=True)
        code_field.empty_label = "Choose..."
        self.open_tickets = {ticket.pk: ticket for ticket in open_tickets}
        cast(forms.ChoiceField, self.fields["ticket"]).choices = [("", "No ticket")] + [
            (ticket.pk, f"{ticket.number} {ticket.subject}") for ticket in open_tickets
        ]

    def clean_ticket(self) -> Any:
        pk = self.cleaned_data.get("ticket")
        return self.open_tickets.get(pk) if pk else None

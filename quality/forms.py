"""The customer's answer on the public survey page; the scorecard editor and the calibration form."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agents.models import Program, User
from crm.models import Call
from quality.models import CRITERION_FIELDS, Criterion

SCORES = [(5, _("5 - Very satisfied")), (4, "4"), (3, "3"), (2, "2"), (1, _("1 - Very dissatisfied"))]


class SurveyAnswerForm(forms.Form):
    score = forms.TypedChoiceField(
        choices=SCORES, coerce=int, widget=forms.RadioSelect, error_messages={"required": _("Choose a score.")}
    )
    comment = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    opt_out = forms.BooleanField(required=False, label=_("Do not send me surveys again"))


# --- Quality reviews -------------------------------------------------------------------------------------


class ScorecardForm(forms.Form):
    name = forms.CharField(max_length=120)
    note = forms.CharField(max_length=300, required=False, label="What changed", help_text="Kept with the version")


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = CRITERION_FIELDS
        widgets = {"guidance": forms.Textarea(attrs={"rows": 2})}
        labels = {"auto_rule": "Answered from the call", "auto_threshold_seconds": "Hold threshold (seconds)"}


CriterionFormSet = forms.formset_factory(CriterionForm, extra=2, can_delete=True, max_num=60, validate_max=True)


def criteria_rows(formset: forms.BaseFormSet) -> list[dict[str, Any]]:
    """The formset's criteria in their order, without the empty and deleted rows."""
    return [
        {name: value for name, value in form.cleaned_data.items() if name != "DELETE"}
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("label")
    ]


class CallChoiceField(forms.ModelMultipleChoiceField):
    """A call as a reviewer recognises it: when, who, how long, how it ended."""

    def label_from_instance(self, obj: Any) -> str:
        when = timezone.localtime(obj.started_at).strftime("%a %d %b %H:%M")
        minutes = (obj.talk_seconds + obj.hold_seconds + obj.wrap_up_seconds) // 60
        return f"Call {obj.pk}, {when}, {obj.agent}, {minutes} min, {obj.get_disposition_display() or 'no outcome'}"


class CalibrationForm(forms.Form):
    program = forms.ModelChoiceField(queryset=Program.objects.none())
    name = forms.CharField(max_length=120)
    calls = CallChoiceField(
        queryset=Call.objects.none(), widget=forms.CheckboxSelectMultiple, help_text="Everyone scores these calls"
    )
    reviewers = forms.ModelMultipleChoiceField(queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, programs: Any, calls: Any, reviewers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["program"]).queryset = programs
        cast(forms.ModelMultipleChoiceField, self.fields["calls"]).queryset = calls
        cast(forms.ModelMultipleChoiceField, self.fields["reviewers"]).queryset = reviewers

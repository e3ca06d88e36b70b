"""The customer's answer on the public survey page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

SCORES = [(5, _("5 - Very satisfied")), (4, "4"), (3, "3"), (2, "2"), (1, _("1 - Very dissatisfied"))]


class SurveyAnswerForm(forms.Form):
    score = forms.TypedChoiceField(
        choices=SCORES, coerce=int, widget=forms.RadioSelect, error_messages={"required": _("Choose a score.")}
    )
    comment = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    opt_out = forms.BooleanField(required=False, label=_("Do not send me surveys again"))

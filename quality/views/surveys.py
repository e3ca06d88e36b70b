"""The public survey page: reached by the signed link in the email, no login, no JavaScript needed."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.http import require_http_methods

from quality.forms import SurveyAnswerForm
from quality.models import Survey
from quality.services.surveys import (
    SurveyClosed,
    survey_answer_by_link,
    survey_closed_reason,
    survey_for_link,
    survey_text,
)

# What each closed state answers: the page's status code.
_CLOSED_STATUS = {"answered": 200, "expired": 410, "withdrawn": 410}


def _language(survey: Survey | None) -> str:
    return (survey.language if survey is not None else "") or "en"


@require_http_methods(["GET", "POST"])
def survey_page(request: HttpRequest, token: str) -> HttpResponse:
    survey = survey_for_link(token)
    with translation.override(_language(survey)):
        if survey is None:
            return _page(request, None, "invalid", status=404)
        closed = survey_closed_reason(survey)
        if closed:
            # A second answer is a conflict: the first one stands and this one changed nothing.
            second_answer = request.method == "POST" and closed == "answered"
            status = 409 if second_answer else _CLOSED_STATUS[closed]
            return _page(request, survey, closed, status=status, second_answer=second_answer)
        if request.method == "POST":
            form = SurveyAnswerForm(request.POST)
            if form.is_valid():
                try:
                    survey_answer_by_link(
                        survey=survey,
                        score=form.cleaned_data["score"],
                        comment=form.cleaned_data["comment"],
                        opt_out=form.cleaned_data["opt_out"],
                    )
                except SurveyClosed as exc:
                    # Two tabs, or a double click: the first answer stands and this one changes nothing.
                    return _page(request, survey, exc.reason, status=409, second_answer=exc.reason == "answered")
                return redirect(request.path)
            return _page(request, survey, "open", form=form, status=400)
        score = request.GET.get("score", "")
        initial = {"score": int(score)} if score in {"1", "2", "3", "4", "5"} else {}
        return _page(request, survey, "open", form=SurveyAnswerForm(initial=initial))


def _page(
    request: HttpRequest,
    survey: Survey | None,
    state: str,
    *,
    form: SurveyAnswerForm | None = None,
    status: int = 200,
    second_answer: bool = False,
) -> HttpResponse:
    context = {
        "state": state,
        "second_answer": second_answer,
        "form": form,
        "text": survey_text(survey) if survey is not None else None,
        "language": translation.get_language(),
    }
    return render(request, "quality/survey_page.html", context, status=status)

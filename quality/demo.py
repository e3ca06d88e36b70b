"""Demo: Acme's survey policy in three languages and five weeks of surveys about its queue's calls, most of
them answered with a realistic spread (mostly satisfied, a tail of unhappy customers)."""

from __future__ import annotations

import random
import secrets
from datetime import datetime, timedelta
from typing import TextIO

from django.db import transaction

from agents.models import Program
from agents.selectors import agent_home_team
from config.redaction import redact_text
from crm.models import Call, CallState
from quality.models import Survey, SurveyChannel, SurveyPolicy, SurveyResponse, SurveyStatus, SurveyText

TEXTS = {
    "en": ("How did we do?", "How satisfied are you with the help you received?",
           "Anything you would like to tell us? (optional)", "Thank you: your answer helps us serve you better."),
    "es": ("¿Qué tal lo hicimos?", "¿Qué tan satisfecho está con la ayuda que recibió?",
           "¿Algo más que quiera decirnos? (opcional)", "Gracias: su respuesta nos ayuda a atenderle mejor."),
    "fr": ("Comment avons-nous fait ?", "Êtes-vous satisfait de l'aide que vous avez reçue ?",
           "Souhaitez-vous nous dire autre chose ? (facultatif)",
           "Merci : votre réponse nous aide à mieux vous servir."),
}  # fmt: skip
# Score -> weight: top-two-box around 80%, the shape most centers see.
SPREAD = {5: 52, 4: 27, 3: 9, 2: 5, 1: 7}
COMMENTS = {
    5: ["Quick and friendly, thank you!", "Sorted in one call.", ""],
    4: ["Good, but I waited a while.", ""],
    3: ["Fine, though I had to explain twice.", ""],
    2: ["I was put on hold for too long.", "Still waiting for the refund."],
    1: ["Nobody called me back as promised.", "The agent did not listen."],
}


def seed(*, scale: int, stdout: TextIO, tickets: int = 0) -> None:
    program = Program.objects.filter(slug="acme-bakery").first()
    if program is None or SurveyPolicy.objects.filter(program=program).exists():
        return
    rng = random.Random(18)
    with transaction.atomic():
        # A bakery's regulars call often: asked at most once a week.
        policy = SurveyPolicy.objects.create(program=program, after_tickets=True, delay_minutes=30, quiet_days=7)
        SurveyText.objects.bulk_create(
            SurveyText(policy=policy, language=language, subject=subject, question=question, comment_label=label,
                       thanks=thanks)
            for language, (subject, question, label, thanks) in TEXTS.items()
        )  # fmt: skip
        answered = _surveys(rng, program, quiet_days=policy.quiet_days)
    stdout.write(f"  quality: Acme's survey policy (en, es, fr), {answered} answered surveys\n")


def _surveys(rng: random.Random, program: Program, *, quiet_days: int) -> int:
    """About one call in three is surveyed (a customer at most once per quiet period); three in five answer."""
    calls = (
        Call.objects.filter(program=program, state=CallState.COMPLETED, customer__isnull=False, agent__isnull=False)
        .select_related("customer")
        .order_by("started_at")
    )
    last_asked: dict[int, datetime] = {}
    teams: dict[int, int | None] = {}
    surveys: list[Survey] = []
    answers: dict[int, tuple[int, str]] = {}
    for call in calls:
        assert call.customer is not None
        assert call.agent_id is not None
        previous = last_asked.get(call.customer.pk)
        if rng.random() > 0.35 or (previous is not None and call.started_at - previous < timedelta(days=quiet_days)):
            continue
        last_asked[call.customer.pk] = call.started_at
        if call.agent_id not in teams:
            teams[call.agent_id] = agent_home_team(agent_id=call.agent_id, program_id=program.pk)
        language = call.customer.preferred_language if call.customer.preferred_language in TEXTS else "en"
        sent = call.started_at + timedelta(minutes=35)
        survey = Survey(
            program=program, customer=call.customer, call=call, agent_id=call.agent_id, team_id=teams[call.agent_id],
            attributed_at=call.started_at, channel=SurveyChannel.EMAIL, language=language, status=SurveyStatus.SENT,
            send_after=sent - timedelta(minutes=5), attempts=1, sent_at=sent, expires_at=sent + timedelta(days=7),
            nonce=secrets.token_urlsafe(16),
        )  # fmt: skip
        if rng.random() < 0.6:
            score = rng.choices(list(SPREAD), weights=list(SPREAD.values()))[0]
            survey.status, survey.answered_at = SurveyStatus.ANSWERED, sent + timedelta(hours=rng.randint(1, 40))
            answers[len(surveys)] = (score, rng.choice(COMMENTS[score]))
        surveys.append(survey)
    Survey.objects.bulk_create(surveys, batch_size=1000)
    SurveyResponse.objects.bulk_create(
        (
            SurveyResponse(
                survey=surveys[index], program=program, agent_id=surveys[index].agent_id,
                team_id=surveys[index].team_id, attributed_at=surveys[index].attributed_at, score=score,
                comment=redact_text(comment), channel=SurveyChannel.WEB,
            )
            for index, (score, comment) in answers.items()
        ),
        batch_size=1000,
    )  # fmt: skip
    return len(answers)

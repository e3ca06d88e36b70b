"""Customer-satisfaction surveys: owed with the event, sent once by email, answered once.

Owed (DESIGN.md invariant 11): a completed call or a resolved ticket publishes its event inside the
transaction that changed it; ``surveys_owed_on_event`` runs there and writes the survey row, or a
cancelled row saying why the customer is not asked (opted out, flagged vulnerable, asked within the
quiet period, no address). A rollback takes the row with it; a commit keeps it whatever Redis does.

Sent exactly once: the dispatcher claims due rows with ``FOR UPDATE SKIP LOCKED`` and stamps the outcome in
that transaction; an SMTP failure schedules the next try with a growing delay and, after the policy's
limit, gives up (status ``failed``, the error kept for admins).

Answered once: the link is signed and carries the survey's nonce; the answer is a conditional update of
the survey's status backed by the one-to-one response row, so a second answer (a double click, a second
tab, an IVR retry) changes nothing.
"""

from __future__ import annotations

import logging
import secrets
import smtplib
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from agents.models import Program, Team, User
from agents.selectors import agent_home_team, supervisors_of, team_supervisors
from agents.services import notification_send
from agents.settings_cache import program_setting
from config.errors import DomainError, NotAllowed
from config.events import publish
from config.queue import enqueue_on_commit
from config.redaction import redact_text
from crm.models import Call, CallState, Customer, CustomerEmail, NoteFlag
from crm.selectors import customer_flags
from quality.models import (
    POSTED_CHANNELS,
    Survey,
    SurveyChannel,
    SurveyOptOut,
    SurveyPolicy,
    SurveyResponse,
    SurveyStatus,
    SurveyText,
)
from quality.permissions import can_record_survey_response
from quality.selectors import survey_opted_out
from tickets.models import Ticket

logger = logging.getLogger(__name__)

LINK_SALT = "quality.survey-link"
# pg_advisory_xact_lock key space of "one customer's surveys": (namespace << 40) | customer id.
_LOCK_NAMESPACE = 0x5E
# Still asked about: a customer with one of these within the quiet period is not asked again.
_ASKED = (SurveyStatus.PENDING, SurveyStatus.SENT, SurveyStatus.ANSWERED)
LOW_SCORE = 2  # 1 and 2 of 5 tell the agent's supervisor
NO_ADDRESS = "The customer has no email address."
# The languages the page and the email have built-in words in (quality/locale, and English).
BUILT_IN_LANGUAGES = frozenset({"en", *(path.name for path in (Path(__file__).parents[1] / "locale").iterdir())})


class SurveyClosed(DomainError):
    """The survey cannot take an answer (already answered, expired, withdrawn); ``reason`` says which."""

    status_code = 409

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


# --- Owed -------------------------------------------------------------------------------------


def surveys_owed_on_event(event: str, program_id: int | None, payload: dict[str, Any], program: Program | None) -> None:
    """The domain-event subscriber (``QualityConfig.event_subscribers``)."""
    if program_id is None:
        return
    # Every call event says the call's state: a call still ringing or on the line costs no query here.
    if event in ("call.logged", "call.updated") and payload.get("state") == CallState.COMPLETED:
        survey_owe_for_call(call_id=payload["call_id"], program_id=program_id, program=program)
    elif event == "ticket.updated" and "status" in payload.get("changed", ()):
        survey_owe_for_ticket(ticket_id=payload["ticket_id"], program_id=program_id)


def _policy(program_id: int, program: Program | None = None) -> SurveyPolicy | None:
    """The program's policy when switched on; kept in memory with the program's row in hand (a call logged
    reads none: ``agents.settings_cache``). Its wrap-up codes are read when asked for."""

    def load() -> SurveyPolicy | None:
        return SurveyPolicy.objects.filter(program_id=program_id, is_active=True).first()

    return load() if program is None else program_setting(program, "surveys.policy", load)


def survey_owe_for_call(*, call_id: int, program_id: int, program: Program | None = None) -> Survey | None:
    """A survey about a completed, answered call of a customer, when the program's policy asks for one."""
    policy = _policy(program_id, program)
    if policy is None or not policy.after_calls:
        return None
    call = Call.objects.select_related("customer").filter(pk=call_id, program_id=program_id).first()
    if call is None or call.customer is None or call.agent_id is None or call.state != CallState.COMPLETED:
        return None
    if call.answered_at is None and not call.talk_seconds:
        return None  # nobody spoke to the customer: nothing to rate
    codes = set(policy.wrap_up_codes.values_list("pk", flat=True))
    if codes and call.wrap_up_code_id not in codes:
        return None
    return _owe(policy, customer=call.customer, about=_about(call=call))


def survey_owe_for_ticket(*, ticket_id: int, program_id: int) -> Survey | None:
    """A survey about a resolved ticket of a customer, when the program's policy asks for one."""
    policy = _policy(program_id)
    if policy is None or not policy.after_tickets:
        return None
    ticket = Ticket.objects.select_related("customer").filter(pk=ticket_id, program_id=program_id).first()
    if ticket is None or ticket.customer is None or ticket.status != Ticket.Status.RESOLVED:
        return None
    return _owe(policy, customer=ticket.customer, about=_about(ticket=ticket))


def _about(*, call: Call | None = None, ticket: Ticket | None = None) -> dict[str, Any]:
    """A survey's fields that come from what it is about: whose work it rates, and when it counts in the
    metrics (docs/metrics.md: the call's start, the ticket's resolution)."""
    if call is not None:
        team_id = agent_home_team(agent_id=call.agent_id, program_id=call.program_id) if call.agent_id else None
        return {
            "call": call, "program_id": call.program_id, "customer_id": call.customer_id,
            "agent_id": call.agent_id, "team_id": team_id, "attributed_at": call.started_at,
        }  # fmt: skip
    assert ticket is not None
    return {
        "ticket": ticket, "program_id": ticket.program_id, "customer_id": ticket.customer_id,
        "agent_id": ticket.assignee_id, "team_id": ticket.team_id,
        "attributed_at": ticket.resolved_at or ticket.created_at,
    }  # fmt: skip


def _lock_customer(customer_id: int) -> None:
    """One customer's surveys are decided one at a time (until the transaction ends): two events ending
    together cannot both pass the quiet period, nor two answers both create the survey. An advisory lock, so
    no row of the caller's transaction is held longer."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [(_LOCK_NAMESPACE << 40) | customer_id])


def _subject(about: dict[str, Any]) -> dict[str, Any]:
    """The lookup of the one survey about the same call or ticket."""
    return {"call": about["call"]} if "call" in about else {"ticket": about["ticket"]}


def _owe(policy: SurveyPolicy, *, customer: Customer, about: dict[str, Any]) -> Survey | None:
    # Inside the transaction of the call or ticket change (no savepoint on that hot path), else its own.
    with transaction.atomic(savepoint=False):
        _lock_customer(customer.pk)
        if Survey.objects.filter(**_subject(about)).exists():
            return None  # a repeated event, or a ticket resolved again
        now = timezone.now()
        email = policy.channel == SurveyChannel.EMAIL
        reason = _reason_not_to_ask(policy, customer, now=now) or (
            NO_ADDRESS if email and not _address(customer) else ""
        )
        send_after = now + timedelta(minutes=policy.delay_minutes)
        survey = Survey.objects.create(
            **about,
            channel=policy.channel,
            language=_language(policy, customer),
            status=SurveyStatus.CANCELLED if reason else SurveyStatus.PENDING,
            reason=reason,
            send_after=send_after,
            # An integrator texts or reads out the link of an SMS or IVR survey: it works from the start.
            expires_at=None if email else send_after + timedelta(days=policy.link_valid_days),
            nonce=secrets.token_urlsafe(16),
        )
    if not reason and email and policy.delay_minutes == 0:
        enqueue_on_commit("quality.survey_send", survey.pk)
    return survey


def _reason_not_to_ask(policy: SurveyPolicy, customer: Customer, *, now: datetime, survey: Survey | None = None) -> str:
    """Why this customer may not be asked now, by any channel ("" when they may)."""
    if customer.erased_at is not None:
        return "The customer's data was erased."
    if survey_opted_out(customer=customer):
        return "The customer asked not to be surveyed."
    flags = customer_flags(customer_ids=[customer.pk]).get(customer.pk, [])
    if not policy.include_vulnerable and NoteFlag.VULNERABLE in flags:
        return "The customer is flagged vulnerable."
    recent = Survey.objects.filter(
        customer=customer, status__in=_ASKED, created_at__gte=now - timedelta(days=policy.quiet_days)
    )
    if survey is not None:
        recent = recent.exclude(pk=survey.pk)
    if policy.quiet_days and recent.exists():
        return f"The customer was asked within the last {policy.quiet_days} days."
    return ""


def _address(customer: Customer) -> str | None:
    return (
        CustomerEmail.objects.filter(customer=customer)
        .order_by("-is_primary", "id")
        .values_list("address", flat=True)
        .first()
    )


def _language(policy: SurveyPolicy, customer: Customer) -> str:
    """The customer's language when the policy has its words in it (or, with no words of its own, when the
    page's built-in words exist in it), else the policy's default."""
    wanted = (customer.preferred_language or "").lower()
    languages = set(policy.texts.values_list("language", flat=True)) or BUILT_IN_LANGUAGES
    for candidate in (wanted, wanted.split("-")[0]):
        if candidate in languages:
            return candidate
    return policy.default_language


def survey_text(survey: Survey) -> SurveyText | None:
    """The survey's words in its language, else in the policy's default language, else any."""
    texts = list(SurveyText.objects.filter(policy__program_id=survey.program_id).select_related("policy"))
    by_language = {text.language: text for text in texts}
    policy_default = texts[0].policy.default_language if texts else ""
    return by_language.get(survey.language) or by_language.get(policy_default) or (texts[0] if texts else None)


# --- Sent ---------------------------------------------------------------------------------------


def survey_link(survey: Survey) -> str:
    """The public, signed link (no login) of the survey's page."""
    token = signing.Signer(salt=LINK_SALT).sign_object([survey.pk, survey.nonce], compress=False)
    return settings.SITE_URL.rstrip("/") + reverse("quality:survey", args=[token])


def _due() -> Any:
    return Survey.objects.filter(status=SurveyStatus.PENDING, channel=SurveyChannel.EMAIL)


def survey_send(*, survey_id: int) -> bool:
    """One attempt at one survey, if it is due and nobody else is sending it. Returns whether it is settled."""
    with transaction.atomic():
        survey = (
            _due().filter(pk=survey_id, send_after__lte=timezone.now())
            .select_for_update(skip_locked=True, of=("self",)).select_related("customer").first()
        )  # fmt: skip
        if survey is None:
            return True
        return _attempt(survey)


def surveys_dispatch(*, batch_size: int = 50, time_budget: float = 50.0) -> int:
    """Beat task: sends every survey that is due (after its delay, or its next try), batch by batch."""
    started, settled = time.monotonic(), 0
    while time.monotonic() - started < time_budget:
        with transaction.atomic():
            batch = list(
                _due().filter(send_after__lte=timezone.now())
                .select_for_update(skip_locked=True, of=("self",)).select_related("customer")
                .order_by("send_after", "id")[:batch_size]
            )  # fmt: skip
            for survey in batch:
                settled += _attempt(survey)
        if len(batch) < batch_size:
            break
    if settled:
        logger.info("surveys: %d settled (sent, given up or not sent)", settled)
    return settled


def _attempt(survey: Survey) -> bool:
    """Sends a claimed survey and stamps the outcome (the caller holds its row lock)."""
    now = timezone.now()
    policy = _policy(survey.program_id)
    customer = survey.customer
    if policy is None:
        return _cancel(survey, "The program's survey policy is switched off.")
    if customer is None:
        return _cancel(survey, "The customer's record is gone.")
    reason = _reason_not_to_ask(policy, customer, now=now, survey=survey)
    if reason:
        return _cancel(survey, reason)
    address = _address(customer)
    if not address:
        return _cancel(survey, NO_ADDRESS)
    try:
        _email(survey, address, expires_at=now + timedelta(days=policy.link_valid_days))
    except (smtplib.SMTPException, OSError) as exc:
        attempts = survey.attempts + 1
        error = (str(exc) or type(exc).__name__)[:300]
        if attempts >= policy.max_attempts:
            _stamp(survey, status=SurveyStatus.FAILED, reason=f"Gave up after {attempts} tries: {error}",
                   attempts=attempts)  # fmt: skip
            logger.warning("surveys: survey %s given up after %d tries", survey.pk, attempts)
            return True
        # Growing delays: 1, 2, 4, 8 ... minutes, at most 6 hours.
        _stamp(survey, reason=error, attempts=attempts,
               send_after=now + timedelta(minutes=min(2 ** (attempts - 1), 360)))  # fmt: skip
        return False
    _stamp(survey, status=SurveyStatus.SENT, reason="", attempts=survey.attempts + 1, sent_at=now,
           expires_at=now + timedelta(days=policy.link_valid_days))  # fmt: skip
    return True


def _cancel(survey: Survey, reason: str) -> bool:
    _stamp(survey, status=SurveyStatus.CANCELLED, reason=reason)
    return True


def _stamp(survey: Survey, **values: Any) -> None:
    Survey.objects.filter(pk=survey.pk).update(**values, updated_at=timezone.now())


def _email(survey: Survey, address: str, *, expires_at: datetime) -> None:
    text = survey_text(survey)
    link = survey_link(survey)
    with translation.override(survey.language):
        context = {
            "text": text,
            "link": link,
            "scores": [(score, f"{link}?score={score}") for score in range(5, 0, -1)],
            "expires_at": expires_at,
        }
        body = render_to_string("quality/survey_email.txt", context)
        html = render_to_string("quality/survey_email.html", context)
        subject = text.subject if text is not None else translation.gettext("Your feedback")
    message = EmailMultiAlternatives(subject=subject, body=body, to=[address])
    message.attach_alternative(html, "text/html")
    message.send()


# --- Answered -----------------------------------------------------------------------------------


def survey_for_link(token: str) -> Survey | None:
    """The survey a link names, or None for a forged, altered or outdated link."""
    try:
        survey_id, nonce = signing.Signer(salt=LINK_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    survey = Survey.objects.select_related("customer").filter(pk=survey_id).first()
    if survey is None or not secrets.compare_digest(str(nonce), survey.nonce):
        return None
    return survey


def survey_closed_reason(survey: Survey, *, now: datetime | None = None) -> str:
    """Why the survey takes no answer ("" when it does): ``answered``, ``expired`` or ``withdrawn``."""
    now = now or timezone.now()
    if survey.status == SurveyStatus.ANSWERED:
        return "answered"
    # An emailed survey takes answers once sent; an SMS or IVR one as soon as it is owed (the integrator sends it).
    open_states = (
        (SurveyStatus.SENT,) if survey.channel == SurveyChannel.EMAIL else (SurveyStatus.PENDING, SurveyStatus.SENT)
    )
    if survey.customer is None or survey.customer.erased_at is not None or survey.status not in open_states:
        return "withdrawn"
    if survey.expires_at is not None and survey.expires_at <= now:
        return "expired"
    return ""


def survey_answer_by_link(*, survey: Survey, score: int, comment: str = "", opt_out: bool = False) -> SurveyResponse:
    """The customer's answer on the survey's page (no login: the signed link is the authority)."""
    reason = survey_closed_reason(survey)
    if reason:
        raise SurveyClosed("This survey takes no answer now.", reason=reason)
    with transaction.atomic():
        response = _answer(survey, score=score, comment=comment, channel=SurveyChannel.WEB)
        if opt_out and survey.customer_id:
            SurveyOptOut.objects.get_or_create(customer_id=survey.customer_id, defaults={"source": SurveyChannel.WEB})
    return response


def _answer(survey: Survey, *, score: int, comment: str, channel: str) -> SurveyResponse:
    """Stores the one answer of ``survey``: publishes ``survey.answered``; a low score tells the supervisors."""
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
        raise ValidationError({"score": ["Choose a score from 1 to 5."]})
    if len(comment) > 2000:
        raise ValidationError({"comment": ["Keep the comment under 2,000 characters."]})
    now = timezone.now()
    with transaction.atomic():
        # The decisive write: only one answer moves the survey to answered.
        claimed = (
            Survey.objects.filter(pk=survey.pk)
            .exclude(status=SurveyStatus.ANSWERED)
            .update(status=SurveyStatus.ANSWERED, answered_at=now, updated_at=now)
        )
        if not claimed:
            raise SurveyClosed("This survey was already answered.", reason="answered")
        response = SurveyResponse.objects.create(
            survey=survey,
            program_id=survey.program_id,
            agent_id=survey.agent_id,
            team_id=survey.team_id,
            attributed_at=survey.attributed_at,
            score=score,
            comment=redact_text(comment.strip()),
            channel=channel,
        )
        publish(
            "survey.answered",
            program_id=survey.program_id,
            payload={
                "survey_id": survey.pk, "response_id": response.pk, "call_id": survey.call_id,
                "ticket_id": survey.ticket_id, "score": score, "channel": channel,
            },
        )  # fmt: skip
        if score <= LOW_SCORE:
            _tell_supervisors(survey, response)
    return response


def _tell_supervisors(survey: Survey, response: SurveyResponse) -> None:
    """Each supervisor of the agent hears of a low score once (the notification's key is unique)."""
    if survey.agent_id is None:
        return
    agent = User.objects.filter(pk=survey.agent_id).first()
    if agent is None:
        return
    if survey.call_id:
        about, url = f"call {survey.call_id}", reverse("crm:call_detail", args=[survey.call_id])
    else:
        about, url = "a ticket", reverse("tickets:ticket_detail", args=[survey.ticket_id])
    # The supervisors of the team the answer counts for (they serve its program); else of any team of the agent.
    team = Team.objects.filter(pk=survey.team_id).first() if survey.team_id else None
    supervisors = (
        team_supervisors(team=team).exclude(pk=agent.pk)
        if team is not None
        else User.objects.filter(pk__in=supervisors_of(agent=agent))
    )
    for supervisor in supervisors:
        notification_send(
            recipient=supervisor,
            kind="survey.low_score",
            title=f"{response.score}/5 from a customer about {agent.get_username()}'s {about}",
            body=response.comment,
            url=url,
            dedupe_key=f"survey-low:{response.pk}:{supervisor.pk}",
        )


def survey_response_record(
    *,
    actor: User,
    call: Call | None = None,
    ticket: Ticket | None = None,
    score: int,
    comment: str = "",
    channel: str,
) -> tuple[SurveyResponse, bool]:
    """An answer collected by an integrator's IVR or SMS system, by call or ticket. Idempotent: the same
    answer again returns the stored one (``created`` False); a different answer is refused."""
    if not can_record_survey_response(actor):
        raise NotAllowed("Only integrations and administrators record survey answers.")
    if (call is None) == (ticket is None):
        raise ValidationError({"call": ["Give either a call or a ticket."]})
    if channel not in dict(POSTED_CHANNELS):
        raise ValidationError({"channel": [f"Unknown channel {channel!r}: say ivr, sms or email."]})
    about = _about(call=call, ticket=ticket)
    if about["customer_id"] is None:
        field = "call" if call is not None else "ticket"
        raise ValidationError({field: ["This record has no customer to have answered."]})
    with transaction.atomic():
        _lock_customer(about["customer_id"])  # two systems posting at once: one creates the survey
        survey = Survey.objects.filter(**_subject(about)).first()
        if survey is None:
            survey = Survey.objects.create(
                **about,
                channel=channel,
                language="",
                status=SurveyStatus.SENT,
                send_after=timezone.now(),
                sent_at=timezone.now(),
                nonce=secrets.token_urlsafe(16),
            )
        existing = SurveyResponse.objects.filter(survey=survey).first()
        if existing is not None:
            if existing.score == score and existing.channel == channel:
                return existing, False
            raise SurveyClosed("This survey was already answered with another score.", reason="answered")
        return _answer(survey, score=score, comment=comment, channel=channel), True

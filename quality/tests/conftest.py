"""Survey fixtures (a program policy, customers who can be asked, a real SMTP server on loopback) and the
quality-review fixture (a scorecard, a reviewer and a sampled call)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from agents.models import Role
from agents.tests.factories import make_user
from conftest import free_port
from crm.models import Customer
from crm.services.calls import call_log_create
from crm.services.live_calls import call_answer, call_step, call_wrap_up
from crm.tests.factories import CustomerEmailFactory, CustomerFactory
from quality.models import Review, ReviewStatus, SurveyPolicy, SurveyText
from quality.tests.factories import qa_reviewer, qa_scorecard
from reports.tests.factories import inbound_call


@dataclass
class Mailbox:
    """What the SMTP server received; ``refuse`` makes it answer 451 (try later) to the next N messages."""

    messages: list[EmailMessage] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)
    refuse: int = 0

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if self.refuse:
            self.refuse -= 1
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted"

    def body(self, index: int = -1, subtype: str = "plain") -> str:
        part = self.messages[index].get_body(preferencelist=(subtype,))
        assert part is not None
        return part.get_content()


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[tuple[Mailbox, int]]:
    """A real SMTP server (aiosmtpd) on loopback; Django's SMTP backend sends to it."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield mailbox, port
    finally:
        controller.stop()


TEXTS = {
    "en": ("How did we do?", "How happy are you with Acme's help?", "Tell us more", "Thanks a lot!"),
    "es": ("¿Qué tal lo hicimos?", "¿Está contento con la ayuda de Acme?", "Cuéntenos más", "¡Muchas gracias!"),
}


@pytest.fixture
def survey_policy(world: Any) -> SurveyPolicy:
    policy_ = SurveyPolicy.objects.create(program=world.program_a, after_tickets=True, delay_minutes=0)
    for language, (subject, question, label, thanks) in TEXTS.items():
        SurveyText.objects.create(
            policy=policy_, language=language, subject=subject, question=question, comment_label=label, thanks=thanks
        )
    return policy_


def askable_customer(program: Any, *, language: str = "en", email: str | None = None) -> Customer:
    customer = CustomerFactory(program=program, preferred_language=language)
    CustomerEmailFactory(customer=customer, **({"address": email} if email else {}))
    return customer


def completed_call(world: Any, customer: Customer, *, talked: bool = True) -> Any:
    """A call the agent answered and finished (four minutes), logged as the agent logs one by hand."""
    now = timezone.now()
    answered = now - timedelta(minutes=4) if talked else None
    agent = world.agent if customer.program_id == world.program_a.pk else world.agent_b
    return call_log_create(
        actor=agent, program=customer.program, direction="inbound", customer=customer,
        started_at=now - timedelta(minutes=5), answered_at=answered, ended_at=now,
    )  # fmt: skip


def wrapped_up_call(world: Any, customer: Customer, code: Any) -> Any:  # program A
    """A call taken on the call bar: answered, then wrapped up with ``code`` (which ends it)."""
    call = call_answer(actor=world.agent, customer=customer, direction="inbound")
    call = call_step(actor=world.agent, call=call, event="answer")
    return call_wrap_up(actor=world.agent, call=call, wrap_up_code=code, first_contact_resolution=True)


# --- Quality reviews -------------------------------------------------------------------------------------


@dataclass
class QA:
    """Program A's scorecard, a QA reviewer, a second agent on the agent's team, and a sampled call."""

    world: Any
    version: Any
    reviewer: Any
    teammate: Any
    call: Any
    review: Any


@pytest.fixture
def qa(world: Any) -> QA:
    version = qa_scorecard(world.program_a)
    reviewer = qa_reviewer(world.program_a, username="quinn")
    teammate = make_user(Role.AGENT, team=world.team_a, username="teammate")
    at = datetime(2026, 11, 3, 15, 0, tzinfo=UTC)
    call = inbound_call(world.program_a, at=at, agent=world.agent, wait=10, talk=300, hold=90, wrap=30)
    review = Review.objects.create(
        program=world.program_a, call=call, agent=world.agent, attributed_at=call.started_at,
        status=ReviewStatus.QUEUED, week=at.date(), sampled_because="random",
    )  # fmt: skip
    return QA(world, version, reviewer, teammate, call, review)

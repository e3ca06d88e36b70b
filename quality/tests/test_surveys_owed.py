"""Which events owe a survey, and whom the policy leaves alone (each refusal is a row saying why)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from agents.models import Program
from crm.models import NoteFlag, WrapUpCode
from crm.tests.factories import CustomerFactory, NoteFactory
from quality.models import Survey, SurveyOptOut, SurveyPolicy, SurveyStatus
from quality.tests.conftest import askable_customer, completed_call, wrapped_up_call
from tickets.services.tickets import ticket_create, ticket_transition

pytestmark = pytest.mark.django_db


def test_a_completed_call_owes_one_survey_attributed_to_the_agent_and_team(world, survey_policy):
    customer = askable_customer(world.program_a, language="es-MX")
    call = completed_call(world, customer)
    survey = Survey.objects.get(call=call)
    assert survey.status == SurveyStatus.PENDING
    assert (survey.customer, survey.agent, survey.team) == (customer, world.agent, world.team_a)
    assert survey.attributed_at == call.started_at
    assert survey.language == "es"  # "es-MX" falls back to the policy's Spanish text
    # The same call's later events do not owe a second one.
    from crm.services.calls import call_log_update

    call_log_update(actor=world.agent, call=call, notes="Added after the call.")
    assert Survey.objects.filter(call=call).count() == 1


def test_no_policy_no_customer_or_nobody_answered_owes_nothing(world, survey_policy):
    completed_call(world, askable_customer(world.program_b))  # program B has no policy
    assert not Survey.objects.exists()
    completed_call(world, askable_customer(world.program_a), talked=False)
    assert not Survey.objects.exists()
    survey_policy.is_active = False
    survey_policy.save()
    completed_call(world, askable_customer(world.program_a))
    assert not Survey.objects.exists()


def test_a_policy_switched_by_another_process_applies_to_the_next_call(world, survey_policy):
    """The policy is kept in memory (agents.settings_cache); a change elsewhere reaches this process through
    the database alone (no signal here)."""

    def surveys_after_a_call() -> int:
        customer = askable_customer(world.program_a)
        customer.program = Program.objects.get(pk=world.program_a.pk)  # as a new request reads it
        completed_call(world, customer)
        return Survey.objects.count()

    assert surveys_after_a_call() == 1
    SurveyPolicy.objects.filter(pk=survey_policy.pk).update(is_active=False)
    assert surveys_after_a_call() == 1
    SurveyPolicy.objects.filter(pk=survey_policy.pk).update(is_active=True)
    assert surveys_after_a_call() == 2


def test_only_the_wrap_up_codes_the_policy_names(world, survey_policy):
    sale = WrapUpCode.objects.create(program=world.program_a, code="sale", label="Sale")
    complaint = WrapUpCode.objects.create(program=world.program_a, code="complaint", label="Complaint")
    survey_policy.wrap_up_codes.set([sale])
    wrapped_up_call(world, askable_customer(world.program_a), complaint)
    assert not Survey.objects.exists()
    call = wrapped_up_call(world, askable_customer(world.program_a), sale)
    assert Survey.objects.get().call == call


def test_a_resolved_ticket_owes_a_survey_about_its_assignee(world, survey_policy):
    customer = askable_customer(world.program_a)
    ticket = ticket_create(actor=world.agent, program=world.program_a, subject="Oven broken", customer=customer)
    assert not Survey.objects.exists()
    ticket_transition(actor=world.agent, ticket=ticket, status="resolved")
    survey = Survey.objects.get(ticket=ticket)
    assert survey.status == SurveyStatus.PENDING
    ticket.refresh_from_db()
    assert survey.attributed_at == ticket.resolved_at
    # Reopened and resolved again: still one survey.
    ticket_transition(actor=world.agent, ticket=ticket, status="open")
    ticket_transition(actor=world.agent, ticket=ticket, status="resolved")
    assert Survey.objects.filter(ticket=ticket).count() == 1


@pytest.mark.parametrize(
    ("prepare", "reason"),
    [
        (lambda c: SurveyOptOut.objects.create(customer=c, source="web"), "asked not to be surveyed"),
        (lambda c: NoteFactory(customer=c, flag=NoteFlag.VULNERABLE), "flagged vulnerable"),
        (lambda c: c.emails.all().delete(), "no email address"),
    ],
)
def test_customers_the_policy_leaves_alone_get_a_row_saying_why(world, survey_policy, prepare, reason):
    customer = askable_customer(world.program_a)
    prepare(customer)
    survey = Survey.objects.get(call=completed_call(world, customer))
    assert survey.status == SurveyStatus.CANCELLED
    assert reason in survey.reason


def test_vulnerable_customers_are_asked_when_the_program_says_so(world, survey_policy):
    survey_policy.include_vulnerable = True
    survey_policy.save()
    customer = askable_customer(world.program_a)
    NoteFactory(customer=customer, flag=NoteFlag.VULNERABLE)
    assert Survey.objects.get(call=completed_call(world, customer)).status == SurveyStatus.PENDING


def test_a_customer_is_asked_at_most_once_in_the_quiet_period(world, survey_policy):
    customer = askable_customer(world.program_a)
    first = Survey.objects.get(call=completed_call(world, customer))
    second = Survey.objects.get(call=completed_call(world, customer))
    assert first.status == SurveyStatus.PENDING
    assert second.status == SurveyStatus.CANCELLED
    assert "within the last 30 days" in second.reason
    # 31 days later the customer may be asked again.
    Survey.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(days=31))
    assert Survey.objects.get(call=completed_call(world, customer)).status == SurveyStatus.PENDING


def test_a_rolled_back_call_leaves_no_survey(world, survey_policy):
    customer = askable_customer(world.program_a)

    def log_then_fail() -> None:
        with transaction.atomic():
            completed_call(world, customer)
            raise RuntimeError("the request failed after the call was logged")

    with pytest.raises(RuntimeError):
        log_then_fail()
    assert not Survey.objects.exists()


def test_a_customer_without_email_is_left_alone_only_for_email_surveys(world, survey_policy):
    survey_policy.channel = "sms"
    survey_policy.save()
    customer = CustomerFactory(program=world.program_a)
    assert Survey.objects.get(call=completed_call(world, customer)).status == SurveyStatus.PENDING


@pytest.mark.django_db(transaction=True)
def test_a_call_and_a_ticket_ending_together_ask_the_customer_once(world, survey_policy):
    """The second transaction waits for the first (advisory lock per customer), then sees its survey. (Two calls
    would also wait on the customer's row, which logging a call updates; resolving a ticket does not.)"""
    import threading
    import time

    from django.db import connection

    customer = askable_customer(world.program_a)
    ticket = ticket_create(actor=world.agent, program=world.program_a, subject="Refund", customer=customer)
    first_in, release = threading.Event(), threading.Event()

    def first() -> None:
        try:
            with transaction.atomic():
                completed_call(world, customer)
                first_in.set()
                release.wait(10)
        finally:
            connection.close()

    def second() -> None:
        try:
            first_in.wait(10)
            ticket_transition(actor=world.agent, ticket=ticket, status="resolved")
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_in.wait(10)
    time.sleep(0.5)  # the ticket is resolved meanwhile; without the lock it would commit now
    release.set()
    for thread in threads:
        thread.join(20)
    assert sorted(Survey.objects.values_list("status", flat=True)) == [SurveyStatus.CANCELLED, SurveyStatus.PENDING]


def test_the_policy_admin_refuses_another_programs_wrap_up_codes(world, client):
    own = WrapUpCode.objects.create(program=world.program_a, code="sale", label="Sale")
    foreign = WrapUpCode.objects.create(program=world.program_b, code="sale", label="Sale (Northwind)")
    client.force_login(world.admin)
    form = {
        "program": world.program_a.pk, "is_active": "on", "after_calls": "on", "channel": "email",
        "delay_minutes": 60, "quiet_days": 30, "link_valid_days": 7, "max_attempts": 5, "default_language": "en",
        "texts-TOTAL_FORMS": 0, "texts-INITIAL_FORMS": 0,
    }  # fmt: skip
    refused = client.post("/admin/quality/surveypolicy/add/", {**form, "wrap_up_codes": [own.pk, foreign.pk]})
    assert refused.status_code == 200
    assert "Choose wrap-up codes of this policy&#x27;s program only." in refused.content.decode()
    assert not SurveyPolicy.objects.exists()
    saved = client.post("/admin/quality/surveypolicy/add/", {**form, "wrap_up_codes": [own.pk]})
    assert saved.status_code == 302
    assert list(SurveyPolicy.objects.get().wrap_up_codes.all()) == [own]

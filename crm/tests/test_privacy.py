"""Data protection: the registry covers every field, erasure leaves no trace, export holds everything, retention."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from agents.models import AuditEvent
from approvals.models import ApprovalRequest
from config.privacy import unclassified
from crm.models import Call, Customer, CustomerAccess, DataRequest, Note, RetentionPolicy
from crm.services.erasure import customer_erase, customer_export, data_request_create, data_requests_process_due
from crm.services.retention import retention_preview, retention_run
from crm.tests.factories import CustomerEmailFactory, customer_with_phone
from tickets.models import Comment, FollowUp, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def test_every_model_and_text_field_is_classified():
    assert unclassified() == [], "declare these in <app>/privacy.py (personal, free_text or not_personal)"


def _text_columns() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT table_name, column_name FROM information_schema.columns
               WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'jsonb', 'ARRAY')"""
        )
        return cursor.fetchall()


def _tables_containing(marker: str) -> list[str]:
    found = []
    with connection.cursor() as cursor:
        for table, column in _text_columns():
            cursor.execute(f'SELECT count(*) FROM "{table}" WHERE "{column}"::text LIKE %s', [f"%{marker}%"])
            if cursor.fetchone()[0]:
                found.append(f"{table}.{column}")
    return found


def _customer_full_of_markers(world, marker: str) -> Customer:
    from tickets.services.tickets import ticket_comment_add, ticket_create, ticket_transfer

    customer = customer_with_phone(world.program_a, f"+1415555{abs(hash(marker)) % 10000:04d}", name=f"{marker} Name")
    CustomerEmailFactory(customer=customer, address=f"{marker.lower()}@example.com")
    Note.objects.create(customer=customer, body=f"{marker} note", flag="caution")
    call = Call.objects.create(
        program=world.program_a, customer=customer, direction="inbound", started_at=timezone.now(),
        notes=f"{marker} call notes", phone_number="+14155550000", talk_seconds=321,
    )  # fmt: skip
    ticket = ticket_create(
        actor=world.agent, program=world.program_a, subject=f"{marker} subject", description=f"{marker} desc",
        customer=customer,
    )  # fmt: skip
    ticket_comment_add(actor=world.agent, ticket=ticket, body=f"{marker} comment")
    from agents.tests.factories import TeamFactory

    ticket_transfer(
        actor=world.agent, ticket=ticket, team=TeamFactory(programs=[world.program_a]), note=f"{marker} why"
    )
    FollowUp.objects.create(
        program=world.program_a, customer=customer, ticket=ticket, owner=world.agent,
        due_at=timezone.now() + timedelta(days=1), note=f"{marker} follow-up",
    )  # fmt: skip
    ApprovalRequest.objects.create(
        kind="refund", amount=Decimal("12.50"), currency="USD", reason=f"{marker} reason", reference=f"{marker}-ref",
        program=world.program_a, customer=customer, ticket=ticket, requested_by=world.agent,
    )  # fmt: skip
    from quality.models import Survey, SurveyOptOut
    from quality.tests.factories import survey_answer

    answer = survey_answer(call, 2)
    answer.comment = f"{marker} survey comment"
    answer.save()
    Survey.objects.filter(pk=answer.survey_id).update(reason=f"SMTP refused {marker.lower()}@example.com")
    SurveyOptOut.objects.create(customer=customer, source="web")
    return customer


def test_erasure_canary_no_marker_survives_and_facts_remain(world):
    target = _customer_full_of_markers(world, "ZQXCANARY")
    other = _customer_full_of_markers(world, "KEEPMEOTHER")
    assert _tables_containing("ZQXCANARY")
    customer_erase(customer=target, actor=world.admin)
    assert _tables_containing("ZQXCANARY") == []
    assert "crm_customer.name" in _tables_containing("KEEPMEOTHER")
    assert len(_tables_containing("KEEPMEOTHER")) >= 8
    # Facts that metrics need are kept.
    assert Call.objects.get(customer=target).talk_seconds == 321
    assert ApprovalRequest.objects.get(customer=target).amount == Decimal("12.50")
    assert Ticket.objects.filter(customer=target).count() == 1
    assert Comment.objects.filter(ticket__customer=target).count() == 2
    assert TicketEvent.objects.filter(ticket__customer=target).exists()
    # The survey's score stays for the metrics; the customer's words and the opt-out go.
    from quality.models import SurveyOptOut, SurveyResponse

    assert SurveyResponse.objects.get(survey__customer=target).score == 2
    assert not SurveyOptOut.objects.filter(customer=target).exists()
    target.refresh_from_db()
    assert target.erased_at is not None
    assert AuditEvent.objects.filter(action="customer.erase").exists()
    del other


def test_export_holds_every_marker_of_the_customer_and_none_of_another(world):
    target = _customer_full_of_markers(world, "EXPMARK")
    _customer_full_of_markers(world, "OTHERMARK")
    document = str(customer_export(customer=target))
    for piece in ("EXPMARK Name", "expmark@example.com", "EXPMARK note", "EXPMARK call notes", "EXPMARK subject",
                  "EXPMARK comment", "EXPMARK follow-up", "EXPMARK reason"):  # fmt: skip
        assert piece in document
    assert "OTHERMARK" not in document


def test_erasure_request_waits_for_the_grace_period_and_respects_legal_hold(world, settings):
    settings.ERASURE_GRACE_DAYS = 7
    customer = _customer_full_of_markers(world, "GRACEMARK")
    held = _customer_full_of_markers(world, "HELDMARK")
    Customer.objects.filter(pk=held.pk).update(legal_hold=True)
    api = APIClient()
    api.force_authenticate(world.integrator)
    response = api.post(f"/api/v1/customers/{customer.pk}/erasure/", {"reason": "asked by phone"}, format="json")
    assert response.status_code == 202
    data_request_create(actor=world.admin, customer=Customer.objects.get(pk=held.pk), kind="erasure")
    assert data_requests_process_due() == 0
    assert data_requests_process_due(now=timezone.now() + timedelta(days=8)) == 2
    assert _tables_containing("GRACEMARK") == []
    assert _tables_containing("HELDMARK")
    assert DataRequest.objects.get(customer=held).status == "refused"


def test_agents_cannot_file_erasures(world):
    customer = customer_with_phone(world.program_a)
    api = APIClient()
    api.force_authenticate(world.agent)
    assert api.post(f"/api/v1/customers/{customer.pk}/erasure/", {}, format="json").status_code == 403


def test_export_download_is_admin_only_audited_and_expires(client, world, settings):
    customer = _customer_full_of_markers(world, "DLMARK")
    request = DataRequest.objects.create(
        kind="export", customer=customer, requested_by=world.admin, due_at=timezone.now()
    )
    data_requests_process_due()
    request.refresh_from_db()
    url = f"/data-requests/{request.pk}/export.json"
    client.force_login(world.agent)
    assert client.get(url).status_code == 403
    client.force_login(world.admin)
    response = client.get(url)
    assert response.status_code == 200
    assert b"DLMARK note" in response.content
    assert AuditEvent.objects.filter(action="export.download").exists()
    DataRequest.objects.filter(pk=request.pk).update(export_expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(url).status_code == 404


CARD = "4111 1111 1111 1111"


def test_card_numbers_are_redacted_on_every_write_path(client, world, django_capture_on_commit_callbacks):
    """Web form, API, admin, a Celery-side service and raw ORM saves: the number is stored nowhere."""
    customer = customer_with_phone(world.program_a)
    client.force_login(world.agent)
    client.post(f"/customers/{customer.pk}/notes/", {"body": f"web {CARD}"})
    api = APIClient()
    api.force_authenticate(world.agent)
    api.post(f"/api/v1/customers/{customer.pk}/notes/", {"body": f"api {CARD} cvv 123"}, format="json")
    client.force_login(world.admin)
    response = client.post(
        "/admin/crm/note/add/", {"customer": customer.pk, "author": world.admin.pk, "body": f"admin {CARD}", "flag": ""}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    Note.objects.create(customer=customer, body=f"orm {CARD}")  # an import script, a shell, a task
    from tickets.services.follow_ups import follow_up_schedule

    follow_up_schedule(actor=world.agent, customer=customer, due_at=timezone.now() + timedelta(hours=1), note=CARD)
    assert Note.objects.filter(customer=customer).count() == 4
    assert _tables_containing("4111 1111 1111 1111") == []
    assert _tables_containing("4111111111111111") == []


def test_redact_existing_sweeps_what_older_versions_let_through(world):
    customer = customer_with_phone(world.program_a)
    note = Note.objects.create(customer=customer, body="clean")
    Note.objects.filter(pk=note.pk).update(body=f"legacy {CARD}")  # bypasses every hook, like old data
    out = StringIO()
    call_command("redact_existing", "--dry-run", stdout=out, stderr=StringIO())
    assert "1 rows would be redacted" in out.getvalue()
    call_command("redact_existing", stdout=StringIO(), stderr=StringIO())
    note.refresh_from_db()
    assert CARD not in note.body
    assert note.body.endswith("1111")


def test_log_records_are_redacted_by_the_configured_logging():
    """Through the handlers settings.LOGGING installed (not one the test builds): no card reaches the output."""
    import logging

    from config.redaction import RedactingFilter

    configured = [
        handler
        for handler in logging.getLogger().handlers
        if isinstance(handler, logging.StreamHandler) and any(isinstance(f, RedactingFilter) for f in handler.filters)
    ]
    assert configured, "settings.LOGGING should put the redaction filter on the root handler"
    buffer = StringIO()
    previous = configured[0].setStream(buffer)
    try:
        logging.getLogger("switchboard.test").warning("customer read out %s, CVV 123", CARD)
    finally:
        configured[0].setStream(previous)
    assert "customer read out" in buffer.getvalue()
    assert CARD not in buffer.getvalue()
    assert "CVV ***" in buffer.getvalue()


def test_retention_handles_expired_rows_in_batches_skips_legal_hold_and_resumes(world):
    """A few hundred thousand expired rows, generated in bulk; interrupted and resumed."""
    RetentionPolicy.objects.exclude(target="access_log").update(is_active=False)
    RetentionPolicy.objects.filter(target="access_log").update(keep_days=30)
    free = customer_with_phone(world.program_a, "+14155550001")
    held = customer_with_phone(world.program_a, "+14155550002", legal_hold=True)
    old = timezone.now() - timedelta(days=60)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO crm_customeraccess (customer_id, user_id, at) "
            "SELECT %s, %s, %s FROM generate_series(1, 200000)",
            [free.pk, world.agent.pk, old],
        )
        cursor.execute(
            "INSERT INTO crm_customeraccess (customer_id, user_id, at) SELECT %s, %s, %s FROM generate_series(1, 500)",
            [held.pk, world.agent.pk, old],
        )
    CustomerAccess.objects.create(customer=free, user=world.agent)  # recent: kept
    assert retention_preview()["access_log"] == 200000
    batches: list[int] = []
    first = retention_run(batch_size=5000, max_batches=10, on_batch=lambda t, n, s: batches.append(n))
    assert first["access_log"] == 50000  # "interrupted" after ten batches
    rest = retention_run(batch_size=5000, on_batch=lambda t, n, s: batches.append(n))
    assert rest["access_log"] == 150000
    assert CustomerAccess.objects.filter(customer=held).count() == 500
    assert CustomerAccess.objects.filter(customer=free).count() == 1
    # Small transactions: every batch holds at most batch_size rows (bench/retention.py times them).
    assert batches == [5000] * 40
    assert AuditEvent.objects.filter(action="retention.run").count() == 2


def test_retention_of_closed_tickets_and_audit_events(world):
    from tickets.services.tickets import ticket_create

    RetentionPolicy.objects.update(is_active=False)
    RetentionPolicy.objects.filter(target__in=["closed_tickets", "audit_events"]).update(is_active=True, keep_days=10)
    customer = customer_with_phone(world.program_a)
    held = customer_with_phone(world.program_a, "+14155550999", legal_hold=True)
    old = timezone.now() - timedelta(days=20)
    for owner in (customer, held):
        ticket = ticket_create(actor=world.agent, program=world.program_a, subject="x", customer=owner)
        Ticket.objects.filter(pk=ticket.pk).update(status="closed", closed_at=old)
    AuditEvent.objects.update(at=old)
    assert retention_run()["closed_tickets"] == 1
    assert list(Ticket.objects.values_list("customer", flat=True)) == [held.pk]
    assert AuditEvent.objects.filter(at__lt=timezone.now() - timedelta(days=10)).count() == 0


def test_a_call_logged_keeps_an_inactive_customer_from_being_anonymized(world):
    """Retention of inactive customers counts from the last contact: a call logged today is one."""
    from crm.services.calls import call_log_create

    RetentionPolicy.objects.update(is_active=False)
    RetentionPolicy.objects.filter(target="inactive_customers").update(is_active=True, keep_days=30)
    called, silent = customer_with_phone(world.program_a), customer_with_phone(world.program_a, "+14155550999")
    Customer.objects.update(last_activity_at=timezone.now() - timedelta(days=60))
    call_log_create(actor=world.integrator, program=world.program_a, direction="inbound", customer=called)
    retention_run()
    assert Customer.objects.get(pk=called.pk).erased_at is None
    assert Customer.objects.get(pk=silent.pk).erased_at is not None


def test_retention_command_dry_run_changes_nothing(world):
    customer = customer_with_phone(world.program_a)
    CustomerAccess.objects.create(customer=customer, user=world.agent)
    CustomerAccess.objects.update(at=timezone.now() - timedelta(days=400))
    out = StringIO()
    call_command("retention", "--dry-run", stdout=out)
    assert "access_log" in out.getvalue()
    assert "Nothing was changed" in out.getvalue()
    assert CustomerAccess.objects.count() == 1
    call_command("retention", stdout=StringIO(), stderr=StringIO())
    assert CustomerAccess.objects.count() == 0


def test_celery_worker_log_handlers_get_the_redaction_filter():
    import logging

    from config.celery import _redact_worker_logs

    buffer = StringIO()
    logger = logging.getLogger("switchboard.worker-test")
    handler = logging.StreamHandler(buffer)
    logger.addHandler(handler)
    try:
        _redact_worker_logs(logger=logger)  # what Celery's after_setup_logger signal calls
        logger.warning("read out %s", CARD)
    finally:
        logger.removeHandler(handler)
    assert CARD not in buffer.getvalue()
    assert "**** **** **** 1111" in buffer.getvalue()

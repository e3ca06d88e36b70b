"""Right of access (export) and right to be forgotten (erasure), driven by the privacy registry."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.forms.models import model_to_dict
from django.http import HttpRequest
from django.utils import timezone

from agents.models import User
from agents.permissions import can_serve_program, is_admin
from agents.services import SYSTEM_ACTOR, audit_record
from config.errors import DomainError, NotAllowed
from config.events import publish
from config.privacy import ERASED, registry
from config.queue import enqueue_on_commit
from config.redaction import redact_text
from crm.models import Customer, DataRequest

logger = logging.getLogger(__name__)


def _is_admin_or_integrator(actor: User) -> bool:
    return is_admin(actor) or getattr(actor, "role", "") == "integrator"


def data_request_create(*, actor: User, customer: Customer, kind: str, reason: str = "") -> DataRequest:
    """Files an export (runs at once) or an erasure (runs after the grace period); audited."""
    if not _is_admin_or_integrator(actor) or not can_serve_program(actor, customer.program_id):
        raise NotAllowed("Only administrators and integrations file data-protection requests.")
    now = timezone.now()
    due = now + timedelta(days=settings.ERASURE_GRACE_DAYS) if kind == DataRequest.Kind.ERASURE else now
    request = DataRequest.objects.create(
        kind=kind, customer=customer, requested_by=actor, reason=redact_text(reason), due_at=due
    )
    audit_record(action=f"{kind}.request", actor=actor, obj=request, program=customer.program_id)
    if kind == DataRequest.Kind.EXPORT:
        enqueue_on_commit("crm.data_request_process", request.pk)
    return request


def _related(customer: Customer) -> list[tuple[type[models.Model], Any, Any]]:
    rows = []
    for model, policy in registry().items():
        if policy.customer is None:
            continue
        lookup = {"pk": customer.pk} if policy.customer == "" else {policy.customer: customer}
        rows.append((model, policy, model._default_manager.filter(**lookup)))
    return rows


def customer_export(*, customer: Customer) -> dict[str, Any]:
    """Everything held about one customer, as JSON-ready data, grouped by model."""
    document: dict[str, Any] = {"customer_id": customer.pk, "exported_at": timezone.now().isoformat(), "records": {}}
    for model, policy, queryset in _related(customer):
        if not policy.exported:
            continue
        items = [dict(model_to_dict(obj).items()) | {"id": obj.pk} for obj in queryset.order_by("pk")]
        if items:
            document["records"][model._meta.label] = items
    # DjangoJSONEncoder turns dates, decimals and UUIDs into strings.
    import json

    return json.loads(json.dumps(document, cls=DjangoJSONEncoder))


def customer_erase(*, customer: Customer, actor: User | None = None) -> dict[str, int]:
    """Anonymises the customer everywhere personal data lives; keeps counts, durations, amounts and dates."""
    if customer.legal_hold:
        raise DomainError("This customer is under legal hold: nothing may be erased.")
    counts: dict[str, int] = {}
    with transaction.atomic():
        for model, policy, queryset in _related(customer):
            if model is Customer:
                continue
            if policy.on_erase == "delete":
                counts[model._meta.label] = queryset.delete()[0]
                continue
            blank: dict[str, Any] = {}
            for name in (*policy.personal, *policy.free_text):
                field = model._meta.get_field(name)
                assert isinstance(field, models.Field)
                blank[name] = _blank_value(field)
            if blank:
                counts[model._meta.label] = queryset.update(**blank)
        Customer.objects.filter(pk=customer.pk).update(
            name=f"Erased customer {customer.pk}",
            organization=None,
            preferred_agent=None,
            tags=[],
            marketing_consent=False,
            erased_at=timezone.now(),
            updated_at=timezone.now(),
        )
        audit_record(
            action="customer.erase",
            actor=actor,
            actor_label=None if actor else SYSTEM_ACTOR,
            obj=customer,
            program=customer.program_id,
            data={"rows": sum(counts.values())},
        )
        publish("customer.erased", program_id=customer.program_id, payload={"customer_id": customer.pk})
    logger.info("erasure: customer %s anonymised across %d rows", customer.pk, sum(counts.values()))
    return counts


def _blank_value(field: models.Field) -> Any:
    if isinstance(field, models.JSONField):
        return [] if isinstance(field.default, list) or field.default is list else {}
    if field.null:
        return None
    return ERASED[: field.max_length] if getattr(field, "max_length", None) else ERASED


def data_requests_process_due(*, now: Any = None) -> int:
    """Runs due requests (claimed with SKIP LOCKED, one transaction each): exports now, erasures after grace."""
    now = now or timezone.now()
    done = 0
    while True:
        with transaction.atomic():
            request = (
                DataRequest.objects.select_for_update(skip_locked=True)
                .filter(status=DataRequest.Status.PENDING, due_at__lte=now)
                .select_related("customer")
                .order_by("due_at")
                .first()
            )
            if request is None:
                return done
            _process(request)
            done += 1


def data_request_process(*, request_id: int) -> None:
    with transaction.atomic():
        request = (
            DataRequest.objects.select_for_update(skip_locked=True)
            .filter(pk=request_id, status=DataRequest.Status.PENDING, due_at__lte=timezone.now())
            .select_related("customer")
            .first()
        )
        if request is not None:
            _process(request)


def _process(request: DataRequest) -> None:
    now = timezone.now()
    if request.kind == DataRequest.Kind.EXPORT:
        request.export = customer_export(customer=request.customer)
        request.export_expires_at = now + timedelta(days=settings.EXPORT_AVAILABLE_DAYS)
        request.status = DataRequest.Status.DONE
    elif request.customer.legal_hold:
        request.status = DataRequest.Status.REFUSED
    else:
        customer_erase(customer=request.customer)
        request.status = DataRequest.Status.DONE
    request.completed_at = now
    request.save(update_fields=["export", "export_expires_at", "status", "completed_at", "updated_at"])
    audit_record(
        action=f"{request.kind}.complete",
        actor_label=SYSTEM_ACTOR,
        obj=request,
        program=request.customer.program_id,
        data={"status": request.status},
    )


def data_export_download(*, actor: User, pk: int, request: HttpRequest | None = None) -> DataRequest:
    """An admin takes a finished, unexpired export; audited. Unknown or expired: ``DataRequest.DoesNotExist``."""
    if not is_admin(actor):
        raise NotAllowed("Only administrators download exports.")
    export = DataRequest.objects.filter(pk=pk, kind=DataRequest.Kind.EXPORT, status="done").first()
    if export is None or export.export is None:
        raise DataRequest.DoesNotExist("No finished export.")
    if export.export_expires_at and export.export_expires_at < timezone.now():
        raise DataRequest.DoesNotExist("This export has expired; file a new one.")
    audit_record(action="export.download", actor=actor, obj=export, request=request)
    return export

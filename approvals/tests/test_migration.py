"""Moving approvals and integration records out of ``agents`` keeps every row (issue 13).

Runs on a database with demo data: back to the layout before the move (agents 0005), where the
rows must sit in the old tables, then forward again, where the same rows must come back through
the new apps with the decision trigger in force.
"""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from agents.models import User
from approvals.models import ApprovalRequest, AuthorityLimit
from integrations.models import ApiToken, IdempotencyRecord, WebhookDelivery, WebhookSubscription
from integrations.services.tokens import token_create

BEFORE_THE_MOVE = [("agents", "0005_api_tokens_webhooks"), ("approvals", None), ("integrations", None)]


def _snapshot() -> dict[str, list[tuple]]:
    return {
        "approvals": list(
            ApprovalRequest.objects.order_by("pk").values_list("pk", "kind", "amount", "status", "customer_id", "level")
        ),
        "limits": list(
            AuthorityLimit.objects.order_by("pk").values_list("pk", "role", "kind", "currency", "max_amount")
        ),
        "tokens": list(ApiToken.objects.order_by("pk").values_list("pk", "key_hash", "user_id")),
        "webhooks": list(WebhookSubscription.objects.order_by("pk").values_list("pk", "url", "events")),
        "deliveries": list(WebhookDelivery.objects.order_by("pk").values_list("pk", "subscription_id", "event")),
    }


def _old_table_rows(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_the_move_keeps_every_row_of_a_seeded_database(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    integrator = User.objects.get(username="integrator")
    token_create(user=integrator, name="billing")
    subscription = WebhookSubscription.objects.create(
        owner=integrator, url="https://billing.example.com/hook", secret="s", events=["approval.decided"]
    )
    WebhookDelivery.objects.create(subscription=subscription, event="approval.decided", payload={"approval_id": 1})
    before = _snapshot()
    content_type = ContentType.objects.get_for_model(ApprovalRequest).pk
    assert all(before.values()), "the demo data should hold rows of every moved model"

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_THE_MOVE)
    assert _old_table_rows("agents_approvalrequest") == len(before["approvals"])
    assert _old_table_rows("agents_authoritylimit") == len(before["limits"])
    assert _old_table_rows("agents_apitoken") == len(before["tokens"])
    assert _old_table_rows("agents_webhookdelivery") == len(before["deliveries"])

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert _snapshot() == before
    ContentType.objects.clear_cache()
    assert ContentType.objects.get(app_label="approvals", model="approvalrequest").pk == content_type
    assert not ContentType.objects.filter(app_label="agents", model="approvalrequest").exists()

    # Every constraint and index the models declare exists under its declared name.
    with connection.cursor() as cursor:
        for model in (ApprovalRequest, AuthorityLimit, ApiToken, IdempotencyRecord, WebhookSubscription):
            in_database = connection.introspection.get_constraints(cursor, model._meta.db_table)
            declared = {item.name for item in (*model._meta.constraints, *model._meta.indexes)}
            assert declared <= set(in_database), f"{model._meta.label}: {declared - set(in_database)}"

    # The decision trigger of the new layout guards the moved rows: an agent cannot approve one.
    pending = ApprovalRequest.objects.filter(status="pending").exclude(kind="exception").first()
    agent = User.objects.get(username="agent_b")
    with pytest.raises(IntegrityError, match="exceeds the authority"), transaction.atomic():
        ApprovalRequest.objects.filter(pk=pending.pk).update(
            status="approved", decided_by=agent, decided_at=timezone.now(), amount=Decimal("1.00")
        )

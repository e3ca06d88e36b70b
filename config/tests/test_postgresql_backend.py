"""Prepared statements (settings: ``DATABASE_PREPARED_STATEMENTS``, backend: ``config.postgresql``): the
statements a web worker runs again are planned once per connection, and binding the parameters apart from
the statement changes nothing else a user could notice."""

from __future__ import annotations

import psycopg
import pytest
from django.db import DataError, NotSupportedError, connection, transaction
from rest_framework.test import APIClient

from crm.models import Customer
from crm.tests.factories import customer_with_phone
from integrations.services.tokens import token_create
from tickets.models import QueueCount

pytestmark = pytest.mark.django_db


def test_the_statements_of_a_ticket_are_prepared_once_the_connection_has_run_them_a_few_times(world):
    _, raw = token_create(user=world.integrator, name="CTI")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    customer = customer_with_phone(world.program_a, "+14155550100")
    for n in range(6):
        response = api.post("/api/v1/tickets/", {"subject": f"Oven door {n}", "customer": customer.pk}, format="json")
        assert response.status_code == 201, response.json()
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE NOT from_sql")
        prepared = [row[0] for row in cursor.fetchall()]
    for statement in (
        "FROM integrations_apitoken",  # the token, with the caller's programs
        "FROM crm_customer",
        "FROM agents_user",  # the available agent
        'INSERT INTO "tickets_ticket"',
        'INSERT INTO "tickets_ticketevent"',
    ):
        assert any(statement in text for text in prepared), f"{statement} is not prepared:\n" + "\n".join(prepared)


def test_an_integer_too_big_for_its_column_is_refused_not_cut_to_fit(world):
    # Sent in binary, 2**35 would arrive as its low 32 bits: 0.
    with pytest.raises(DataError), transaction.atomic():
        QueueCount.objects.create(team=world.team_a, status="open", n=2**35)


def test_a_bulk_insert_of_more_parameters_than_one_statement_carries_keeps_every_row(world):
    # About 16 parameters a row: 6,000 rows are some 96,000, over the protocol's 65,535 per statement.
    rows = [Customer(program=world.program_a, name=f"Bulk {i:05d}", tags=["import"]) for i in range(6000)]
    Customer.objects.bulk_create(rows)
    assert Customer.objects.filter(tags__contains=["import"]).count() == 6000
    assert all(row.pk for row in rows)


def test_a_bulk_update_of_more_parameters_than_one_statement_carries_changes_every_row(world):
    # Two parameters a row for each field changed and one for its id: 14,000 rows and two fields are
    # some 70,000.
    Customer.objects.bulk_create(Customer(program=world.program_a, name=f"Bulk {i:05d}") for i in range(14_000))
    rows = list(Customer.objects.filter(name__startswith="Bulk "))
    for row in rows:
        row.name, row.preferred_language = f"Renamed {row.pk}", "fr"
    Customer.objects.bulk_update(rows, ["name", "preferred_language"])
    assert Customer.objects.filter(name__startswith="Renamed ", preferred_language="fr").count() == 14_000


@pytest.mark.django_db(transaction=True)  # the failing statement ends its transaction, as in a request
def test_a_statement_prepared_before_a_column_changed_type_fails_once_then_works_again():
    select = "SELECT id, name FROM prepared_probe WHERE id = %s"
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE prepared_probe (id int, name varchar(10))")
        cursor.execute("INSERT INTO prepared_probe VALUES (1, 'a')")
        try:
            for _ in range(7):  # prepared after the fifth run
                cursor.execute(select, [1])
            with psycopg.connect(**connection.get_connection_params(), autocommit=True) as migration:
                migration.execute("ALTER TABLE prepared_probe ALTER COLUMN name TYPE varchar(20)")
            with pytest.raises(NotSupportedError, match="cached plan"):
                cursor.execute(select, [1])
        finally:
            connection.close_if_unusable_or_obsolete()  # what Django does when the request ends
    with connection.cursor() as cursor:
        cursor.execute(select, [1])
        assert cursor.fetchone() == (1, "a")
        cursor.execute("DROP TABLE prepared_probe")

"""Model instances from hand-written SQL, for the few lookups every API write makes.

Django builds and compiles a queryset's SQL again on every call. For the lookups each ticket or call
opened over the API makes (the token, the customer, the available agent, a call by its external id)
that Python cost several times what PostgreSQL spends running the prepared statement: at 1M tickets,
compiling the available-agent query alone took 1.1 ms of the 1.8 ms the lookup cost. Those lookups keep their
statement in a string, written once, and read their rows through ``Columns``: the select list comes
from the model (so a new column needs no edit here), and each row becomes the instance the ORM would
have built, with the columns not selected deferred. The writes among them, marking the customer's
last activity and a new ticket's opening timeline entries, go through ``execute`` and ``insert_rows``.

Use it only where a profile shows the query building; everywhere else the ORM is the clearer code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import DateField, Model
from django.utils import timezone

M = TypeVar("M", bound=Model)


class Columns(Generic[M]):
    """The columns of ``model`` a statement selects (every concrete field, or those named in ``only``), in the
    order ``Model.from_db`` takes them, under the table alias ``alias``."""

    def __init__(self, model: type[M], alias: str, only: Iterable[str] | None = None) -> None:
        wanted = None if only is None else {model._meta.pk.name, *only}
        self.model = model
        self.fields = [
            field
            for field in model._meta.concrete_fields
            if wanted is None or field.name in wanted or field.attname in wanted
        ]
        self.attnames = [field.attname for field in self.fields]
        self._pk = self.attnames.index(model._meta.pk.attname)
        self.sql = ", ".join(f'{alias}."{field.column}"' for field in self.fields)
        connection = connections[DEFAULT_DB_ALIAS]
        # What the ORM would run on each value read (a JSON field's parsing, say): none for most columns.
        self._converters: list[tuple[int, Callable[..., Any], Any]] = [
            (index, convert, field)
            for index, field in enumerate(self.fields)
            for convert in [*connection.ops.get_db_converters(field.cached_col), *field.get_db_converters(connection)]
        ]

    def __len__(self) -> int:
        return len(self.fields)

    def optional(self, row: Sequence[Any], start: int = 0) -> M | None:
        """``instance``, or None when the key is NULL (an outer join found no row)."""
        return None if row[start + self._pk] is None else self.instance(row, start)

    def instance(self, row: Sequence[Any], start: int = 0) -> M:
        """The instance whose columns start at position ``start`` of ``row``."""
        values = list(row[start : start + len(self.fields)])
        if self._converters:
            connection = connections[DEFAULT_DB_ALIAS]
            for index, convert, field in self._converters:
                values[index] = convert(values[index], field.cached_col, connection)
        return self.model.from_db(DEFAULT_DB_ALIAS, self.attnames, values)


def fetch_one(sql: str, params: Sequence[Any] | dict[str, Any]) -> tuple[Any, ...] | None:
    """The first row ``sql`` returns, or None."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def execute(sql: str, params: Sequence[Any] | dict[str, Any]) -> None:
    """Runs ``sql``, a statement that returns no rows."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(sql, params)


def insert_rows(model: type[Model], rows: Sequence[dict[str, Any]]) -> None:
    """Inserts ``rows`` of ``model`` in one statement, as ``bulk_create`` would (no ``save()``, no signals,
    no ids back), without its per-call query building. A row maps field names to values (a related record
    or its id); every other concrete field but the key takes its default, an ``auto_now(_add)`` one the time
    now. The caller has checked the values, as for ``bulk_create``."""
    connection = connections[DEFAULT_DB_ALIAS]
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    now = timezone.now()
    params: list[Any] = []
    for row in rows:
        unknown = set(row) - {name for field in fields for name in (field.name, field.attname)}
        if unknown:
            raise TypeError(f"{model.__name__} has no fields {sorted(unknown)}")
        for field in fields:
            if field.name in row or field.attname in row:
                value = row[field.name] if field.name in row else row[field.attname]
                if isinstance(value, Model):
                    value = value.pk
            elif isinstance(field, DateField) and (field.auto_now or field.auto_now_add):
                value = now
            elif field.has_db_default():  # the database's default has no Python value to send
                raise TypeError(f"Name {model.__name__}.{field.name} in every row: its default is the database's")
            else:
                value = field.get_default()
            params.append(field.get_db_prep_save(value, connection))
    columns = ", ".join(connection.ops.quote_name(str(field.column)) for field in fields)
    values = ", ".join(["(" + ", ".join(["%s"] * len(fields)) + ")"] * len(rows))
    execute(f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) VALUES {values}", params)  # noqa: S608 - names from the model, values as parameters

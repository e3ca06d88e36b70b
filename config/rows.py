"""Model instances from hand-written SQL, for the few lookups every API write makes.

Django builds and compiles a queryset's SQL again on every call. For the lookups each ticket or call
opened over the API makes (the token, the customer, the available agent, a call by its external id)
that Python cost several times what PostgreSQL spends running the prepared statement: at 1M tickets,
compiling the available-agent query alone took 1.1 ms of the 1.8 ms the lookup cost. Those lookups keep their
statement in a string, written once, and read their rows through ``Columns``: the select list comes
from the model (so a new column needs no edit here), and each row becomes the instance the ORM would
have built, with the columns not selected deferred. The writes among them, marking the customer's
last activity, a new ticket and its opening timeline entries, go through ``execute``, ``insert`` and
``insert_rows``.

Use it only where a profile shows the query building; everywhere else the ORM is the clearer code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import DateField, Field, Model
from django.db.models.expressions import DatabaseDefault
from django.db.models.signals import post_save, pre_save
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
        self._converters = _converters(self.fields)

    def __len__(self) -> int:
        return len(self.fields)

    def optional(self, row: Sequence[Any], start: int = 0) -> M | None:
        """``instance``, or None when the key is NULL (an outer join found no row)."""
        return None if row[start + self._pk] is None else self.instance(row, start)

    def instance(self, row: Sequence[Any], start: int = 0) -> M:
        """The instance whose columns start at position ``start`` of ``row``."""
        values = _convert(self._converters, row[start : start + len(self.fields)])
        return self.model.from_db(DEFAULT_DB_ALIAS, self.attnames, values)


Converters = list[tuple[int, Callable[..., Any], "Field[Any, Any]"]]


def _converters(fields: Sequence[Field[Any, Any]]) -> Converters:
    """What the ORM would run on each value read (a JSON field's parsing, say): none for most columns."""
    connection = connections[DEFAULT_DB_ALIAS]
    return [
        (index, convert, field)
        for index, field in enumerate(fields)
        for convert in [*connection.ops.get_db_converters(field.cached_col), *field.get_db_converters(connection)]
    ]


def _convert(converters: Converters, row: Sequence[Any]) -> list[Any]:
    values = list(row)
    connection = connections[DEFAULT_DB_ALIAS]
    for index, convert, field in converters:
        values[index] = convert(values[index], field.cached_col, connection)
    return values


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


# Per model and set of columns left to their database default: the INSERT, and the fields it returns.
_INSERTS: dict[tuple[type[Model], tuple[str, ...]], tuple[str, list[Field[Any, Any]], Converters]] = {}


def insert(instance: M) -> M:
    """Saves the new ``instance`` as ``instance.save()`` would, in a statement written once per model rather than
    built on every call: its ``pre_save`` and ``post_save`` signals are sent (the privacy guard among them),
    ``auto_now(_add)`` fields get the time now, and the key and every database default come back onto it.
    For a plain model whose key the database assigns; related records must be saved already."""
    model = type(instance)
    if model._meta.parents or instance.pk is not None:
        raise TypeError(f"insert() takes a new {model.__name__} without a key, of a model with no parent table")
    # save()'s own check: a related record not saved yet is refused, not written as NULL (Django's private API).
    instance._prepare_related_fields_for_save(operation_name="insert")  # type: ignore[attr-defined]
    pre_save.send(sender=model, instance=instance, raw=False, using=DEFAULT_DB_ALIAS, update_fields=None)
    connection = connections[DEFAULT_DB_ALIAS]
    params: list[Any] = []
    defaulted: list[str] = []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.generated:
            continue
        value = field.pre_save(instance, True)
        if isinstance(value, DatabaseDefault):
            defaulted.append(str(field.column))
        else:
            params.append(field.get_db_prep_save(value, connection))
    key = (model, tuple(defaulted))
    if key not in _INSERTS:
        _INSERTS[key] = _insert_sql(model, defaulted)
    sql, returning, converters = _INSERTS[key]
    row = fetch_one(sql, params)
    assert row is not None  # an INSERT ... RETURNING returns its row
    for field, value in zip(returning, _convert(converters, row), strict=True):
        setattr(instance, field.attname, value)
    instance._state.adding = False
    instance._state.db = DEFAULT_DB_ALIAS
    post_save.send(sender=model, instance=instance, created=True, update_fields=None, raw=False, using=DEFAULT_DB_ALIAS)
    return instance


def _insert_sql(model: type[Model], defaulted: Sequence[str]) -> tuple[str, list[Field[Any, Any]], Converters]:
    def quote(name: str | None) -> str:
        return str(connections[DEFAULT_DB_ALIAS].ops.quote_name(str(name)))

    sent = [
        field
        for field in model._meta.concrete_fields
        if not (field.primary_key or field.generated or str(field.column) in defaulted)
    ]
    returning = [model._meta.pk, *(field for field in model._meta.concrete_fields if str(field.column) in defaulted)]
    values = f"({', '.join(quote(field.column) for field in sent)}) VALUES ({', '.join(['%s'] * len(sent))})"
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} {values if sent else 'DEFAULT VALUES'} "
        f"RETURNING {', '.join(quote(field.column) for field in returning)}"
    )
    return sql, returning, _converters(returning)

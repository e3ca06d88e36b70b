"""Django's PostgreSQL backend with prepared statements made safe (``DATABASES["default"]["ENGINE"]``).

With ``server_side_binding`` (settings: ``DATABASE_PREPARED_STATEMENTS``) parameters travel apart from
the statement, so psycopg can prepare a statement a connection runs again and PostgreSQL keeps its plan.
Three things then behave differently from Django's default client-side binding, and this backend puts
them back:

- psycopg sends a 16- or 32-bit integer (Django wraps every ``SmallIntegerField`` and ``IntegerField``
  value in ``Int2``/``Int4``) in binary, and its binary form cuts a number that does not fit instead of
  refusing it: 251,606,412,678 seconds would be stored as -1,796,657,786. They go as text here, so
  PostgreSQL refuses a value out of range ("integer out of range", a ``DataError``) as it did before.
- A statement prepared before a migration changed the type of a column it returns fails ("cached plan
  must not change result type") for as long as its connection lives. The connection is closed at the end
  of the request (or task) that met the error, so only that one fails; the next prepares afresh.
- A statement carries at most 65,535 parameters. ``bulk_create`` and ``bulk_update`` put every row in
  one statement, so a batch is cut to fit (the rows, not the caller, pay: a few more statements).
"""

from __future__ import annotations

from typing import Any

import psycopg
from django.db.backends.postgresql import base, operations
from django.db.utils import DatabaseErrorWrapper
from django.utils.functional import cached_property
from psycopg.types.numeric import Int2, Int2Dumper, Int4, Int4Dumper

MAX_PARAMETERS = 65_535  # the protocol's limit: the count is a 16-bit number

# Registered on psycopg's global map, which every connection made afterwards copies: the text dumper is
# then the one the automatic format picks for these types (the last registered wins).
psycopg.adapters.register_dumper(Int2, Int2Dumper)
psycopg.adapters.register_dumper(Int4, Int4Dumper)


class DatabaseOperations(operations.DatabaseOperations):
    def bulk_batch_size(self, fields: list[Any], objs: list[Any]) -> int:
        if not self.connection.settings_dict["OPTIONS"].get("server_side_binding"):
            return super().bulk_batch_size(fields, objs)
        # bulk_create sends a parameter per field and row; bulk_update, which names the id twice among
        # ``fields``, sends two per field and row (the row's id in each CASE, the value) and the id once more.
        return max(1, min(len(objs), MAX_PARAMETERS // (2 * max(1, len(fields)))))


class _ErrorWrapper(DatabaseErrorWrapper):
    wrapper: base.DatabaseWrapper  # set by DatabaseErrorWrapper.__init__ (the stubs do not declare it)

    def __exit__(self, exc_type: Any, exc_value: Any, traceback: Any) -> None:
        if isinstance(exc_value, psycopg.errors.FeatureNotSupported) and "cached plan" in str(exc_value):
            self.wrapper.close_at = 0  # Django's end-of-request check closes a connection past its time
        super().__exit__(exc_type, exc_value, traceback)


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

    @cached_property
    def wrap_database_errors(self) -> DatabaseErrorWrapper:
        return _ErrorWrapper(self)

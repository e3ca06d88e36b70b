"""Django's PostgreSQL backend with prepared statements made safe (``DATABASES["default"]["ENGINE"]``).

With ``server_side_binding`` (settings: ``DATABASE_PREPARED_STATEMENTS``) parameters travel apart from
the statement, so psycopg can prepare a statement a connection runs again and PostgreSQL keeps its plan.
Two things then behave differently from Django's default client-side binding, and this backend puts them
back:

- psycopg sends a 16- or 32-bit integer (Django wraps every ``SmallIntegerField`` and ``IntegerField``
  value in ``Int2``/``Int4``) in binary, and its binary form cuts a number that does not fit instead of
  refusing it: 251,606,412,678 seconds would be stored as -1,796,657,786. They go as text here, so
  PostgreSQL refuses a value out of range ("integer out of range", a ``DataError``) as it did before.
- A statement carries at most 65,535 parameters. ``bulk_create`` and ``bulk_update`` put every row in
  one statement, so a batch is cut to fit (the rows, not the caller, pay: a few more statements).
"""

from __future__ import annotations

from typing import Any

import psycopg
from django.db.backends.postgresql import base, operations
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


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

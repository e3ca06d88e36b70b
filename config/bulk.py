"""What the bulk writers (the demo and scale seeders) share: batch sizes and per-transaction settings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import connection

# The first batch is small: see ``bulk_batches``.
FIRST_BATCH = 1_000


def bulk_batches(total: int, size: int, *, analyze: list[str]) -> Iterator[tuple[int, int]]:
    """``(done, n)`` for each batch of at most ``size`` rows adding up to ``total``.

    The row triggers that keep programs apart (``crm_call_one_program``, ...) look up the rows the
    batches insert, through plans PostgreSQL caches. Planned while a table is nearly empty they scan it
    sequentially for every row (a first batch of 20,000 customers took 40 s instead of 2), so the first
    batch is small and the tables in ``analyze`` are analysed after it: later plans use their indexes.
    """
    done = 0
    while done < total:
        n = min(FIRST_BATCH if done == 0 else size, total - done)
        yield done, n
        if done == 0:
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {', '.join(analyze)}")
        done += n


def bulk_transaction(cursor: Any) -> None:
    """A batch job is not a request: the web's 30 s statement limit does not fit a busy machine."""
    cursor.execute("SET LOCAL statement_timeout = '10min'")

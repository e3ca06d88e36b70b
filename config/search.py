"""Index-served lookups shared by the customer and ticket searches: trigram look-alikes and full text."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def _block_settings(**settings: str) -> Iterator[None]:
    """PostgreSQL settings for the statements of the block only (they end with its transaction)."""
    with transaction.atomic(), connection.cursor() as cursor:
        names = list(settings)
        cursor.execute(
            "SELECT " + ", ".join("set_config(%s, %s, true)" for _ in names),
            [value for name in names for value in (name, settings[name])],
        )
        yield


@contextmanager
def trigram_search(threshold: float) -> Iterator[None]:
    """Inside the block, ``field__trigram_word_similar=text`` (``field %> text``) holds where
    ``word_similarity(text, field) >= threshold``: the form a trigram index serves (a computed
    ``word_similarity(...) >= threshold`` filter is not), and it is read through that index.

    PostgreSQL guesses a fixed share of rows for ``%>``; with a LIMIT it then prefers walking the table
    and computing the similarity of every row it passes (80 ms for 500 look-alikes among a million
    names, against 6 ms through the index), so sequential scans are off for the block.
    """
    with _block_settings(**{"pg_trgm.word_similarity_threshold": str(threshold), "enable_seqscan": "off"}):
        yield


@contextmanager
def common_words_sampled(limit: int) -> Iterator[None]:
    """Inside the block, a GIN index scan hands over about ``limit`` of the rows holding a common word,
    chosen at random, instead of all of them (PostgreSQL's ``gin_fuzzy_search_limit``, made for full
    text search over common words). Reading the 128,000 tickets that say "refund" cost 26 ms before the
    first could be ranked; a sample of 10,000 costs 5. Rarer words are found in full."""
    with _block_settings(gin_fuzzy_search_limit=str(limit)):
        yield

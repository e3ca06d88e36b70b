"""Pagination for every list endpoint: a page size the client picks, never above the cap.

Small lists are numbered pages (``?page=2``, with ``count``). The lists that grow to millions of rows
(customers, calls, tickets) are keyset-paged: each page is read from the index where the previous one
stopped (``next`` / ``previous`` carry an opaque cursor), so the 20,000th page costs what the first
does and nothing counts every row.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

MAX_PAGE_SIZE = 100
# A search (``?q=`` on customers or tickets) answers at most this many, best first, on one page.
SEARCH_RESULTS = 50
FOREIGN_CURSOR = "Not a cursor of this list in this order: follow the `next` or `previous` link as given."


def search_page(results: Any) -> Response:
    """A ranked search's answer: its best matches on one page, in the keyset lists' envelope."""
    return Response({"next": None, "previous": None, "results": results})


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE


class KeysetPagination(pagination.BasePagination):
    """Pages ordered by one field of the view's ``ordering_fields`` (never null) and then ``id``, in the
    same direction, so "after this row" is the row comparison ``(field, id) > (value, id)``: an index on
    ``(field, id)`` serves every page in order and stops after ``page_size + 1`` rows."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    cursor_query_param = "cursor"

    def paginate_queryset(
        self, queryset: QuerySet[Any] | Sequence[Any], request: Request, view: Any = None
    ) -> list[Any]:
        if not isinstance(queryset, QuerySet):
            raise TypeError("keyset pages come from a queryset (a ranked search answers one page itself)")
        if "page" in request.query_params:
            raise ValidationError(
                {"page": ["This list is paged by cursor, not by page number: follow the `next` link."]}
            )
        self.request = request
        field, descending = self._ordering(request, queryset, view)
        size = self._page_size(request)
        after, backwards = self._decode(request.query_params.get(self.cursor_query_param))
        # Walking backwards reads the index the other way and turns the page round afterwards.
        ascending = descending == backwards
        sign = "" if ascending else "-"
        rows = queryset.order_by(f"{sign}{field}", f"{sign}id")
        if after is not None:
            value, pk = after
            try:
                if ascending:
                    rows = rows.filter(Q(**{f"{field}__gte": value}) & (Q(**{f"{field}__gt": value}) | Q(id__gt=pk)))
                else:
                    rows = rows.filter(Q(**{f"{field}__lte": value}) & (Q(**{f"{field}__lt": value}) | Q(id__lt=pk)))
            except (DjangoValidationError, ValueError, TypeError):
                # A cursor of this list under another ordering (a name where a time is expected), or forged.
                raise ValidationError({self.cursor_query_param: [FOREIGN_CURSOR]}) from None
        page = list(rows[: size + 1])
        more, page = len(page) > size, page[:size]
        if backwards:
            page.reverse()
        self.field = field
        self.next_after = self._position(page[-1]) if page and (more or backwards) else None
        self.previous_after = (
            self._position(page[0]) if page and (after is not None and (more or not backwards)) else None
        )
        return page

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "next": self._link(self.next_after, False),
                "previous": self._link(self.previous_after, True),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["results"],
            "properties": {"next": link, "previous": link, "results": schema},
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {"name": self.cursor_query_param, "required": False, "in": "query",
             "description": "Where the page starts: the value of `next` or `previous` of the page before.",
             "schema": {"type": "string"}},
            {"name": self.page_size_query_param, "required": False, "in": "query",
             "description": f"Rows per page (at most {self.max_page_size}).", "schema": {"type": "integer"}},
        ]  # fmt: skip

    def _ordering(self, request: Request, queryset: QuerySet[Any], view: Any) -> tuple[str, bool]:
        ordering = OrderingFilter().get_ordering(request, queryset, view) or ["-id"]
        first = ordering[0]
        return first.lstrip("-"), first.startswith("-")

    def _page_size(self, request: Request) -> int:
        try:
            size = int(request.query_params.get(self.page_size_query_param, self.page_size))
        except ValueError:
            return self.page_size
        return max(1, min(size, self.max_page_size))

    def _position(self, row: Any) -> tuple[str, int]:
        value = getattr(row, self.field)
        return (value.isoformat() if hasattr(value, "isoformat") else str(value), row.pk)

    def _link(self, position: tuple[str, int] | None, backwards: bool) -> str | None:
        if position is None:
            return None
        token = base64.urlsafe_b64encode(json.dumps([*position, backwards]).encode()).decode()
        return replace_query_param(self.request.build_absolute_uri(), self.cursor_query_param, token)

    def _decode(self, token: str | None) -> tuple[tuple[str, int] | None, bool]:
        if not token:
            return None, False
        try:
            value, pk, backwards = json.loads(base64.urlsafe_b64decode(token.encode()))
            return (str(value), int(pk)), bool(backwards)
        except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
            raise ValidationError({self.cursor_query_param: [FOREIGN_CURSOR]}) from None


class FollowingPagination(KeysetPagination):
    """A keyset list that grows at its end and is read by following it (the audit log, for a SIEM): ``next``
    is always given, after the last row of the page, or (on an empty page) where the reader already was, so
    asking the last ``next`` again later answers only what happened since."""

    def paginate_queryset(
        self, queryset: QuerySet[Any] | Sequence[Any], request: Request, view: Any = None
    ) -> list[Any]:
        page = super().paginate_queryset(queryset, request, view)
        after, backwards = self._decode(request.query_params.get(self.cursor_query_param))
        if self.next_after is None and not backwards:
            self.next_after = self._position(page[-1]) if page else after
        return page

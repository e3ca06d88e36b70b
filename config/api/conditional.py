"""ETag on single resources and If-Match on updates: a stale write is a 412, never a silent overwrite."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The resource changed since you read it; fetch it again and reapply your change."
    default_code = "precondition_failed"


def etag_for(obj: Any) -> str:
    return f'"{obj.pk}-{obj.updated_at.timestamp():.6f}"'


class ConditionalUpdateMixin:
    """``class CustomerViewSet(ConditionalUpdateMixin, ..., GenericViewSet)`` and write the change in
    ``apply_update`` (not ``update``): the If-Match check and the write then share one locked transaction."""

    def apply_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raise NotImplementedError

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        obj = self.get_object()  # type: ignore[attr-defined]
        tag = etag_for(obj)
        if request.headers.get("If-None-Match") == tag:
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": tag})
        response = Response(self.get_serializer(obj).data)  # type: ignore[attr-defined]
        response["ETag"] = tag
        return response

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        expected = request.headers.get("If-Match")
        with transaction.atomic():
            if expected and expected != "*":
                obj = self.get_object()  # type: ignore[attr-defined]
                # Lock the row so no other writer slips in between the check and the write.
                locked = type(obj).objects.select_for_update(of=("self",)).get(pk=obj.pk)
                if etag_for(locked) not in {tag.strip() for tag in expected.split(",")}:
                    raise PreconditionFailed()
            response: Response = self.apply_update(request, *args, **kwargs)
        if response.status_code == 200:
            response["ETag"] = etag_for(self.get_object())  # type: ignore[attr-defined]
        return response

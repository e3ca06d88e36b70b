"""A tiny Switchboard API client using only the standard library and the published API (docs/api.md)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from typing import Any


class SwitchboardError(Exception):
    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(f"{status} {body.get('code')}: {body.get('message')}")
        self.status = status
        self.body = body


class Switchboard:
    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url.rstrip("/") + "/api/v1/"
        self.token = token

    def request(self, method: str, path: str, body: dict[str, Any] | None = None, **headers: str) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base_url + path.lstrip("/"), data=data, method=method)  # noqa: S310
        request.add_header("Authorization", f"Bearer {self.token}")
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if method == "POST":
            # Safe to retry: the same key replays the first response instead of acting twice.
            request.add_header("Idempotency-Key", headers.pop("idempotency_key", str(uuid.uuid4())))
        for name, value in headers.items():
            request.add_header(name.replace("_", "-"), value)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                payload = response.read()
                return json.loads(payload) if payload else None
        except urllib.error.HTTPError as exc:
            raise SwitchboardError(exc.code, json.loads(exc.read() or b"{}")) from exc

    # Telephony
    def screen_pop(self, phone: str, dialed: str = "") -> list[dict[str, Any]]:
        return self.request("POST", "customers/lookup/", {"phone": phone, "dialed": dialed})["results"]

    def call_started(self, external_id: str, customer_id: int | None, phone: str) -> dict[str, Any]:
        body = {"external_id": external_id, "direction": "inbound", "customer": customer_id, "phone_number": phone}
        return self.request("POST", "calls/", body, idempotency_key=f"call-start-{external_id}")

    def call_ended(self, call_id: int, **fields: Any) -> dict[str, Any]:
        return self.request("PATCH", f"calls/{call_id}/", fields)

    def open_ticket(self, customer_id: int, subject: str, call_id: int | None = None) -> dict[str, Any]:
        return self.request("POST", "tickets/", {"customer": customer_id, "subject": subject, "call": call_id})

    # Billing
    def approved_not_applied(self) -> list[dict[str, Any]]:
        return self.request("GET", "approvals/?applied=false&kind=refund")["results"]

    def mark_applied(self, approval_id: int) -> dict[str, Any]:
        return self.request("POST", f"approvals/{approval_id}/mark-applied/")

"""A call center's traffic for Locust: run through bench/load.py, which seeds the data and starts the server.

Two kinds of users share the server, as on a real floor:

- ``Agent``: a logged-in agent working calls: opens the caller's page, searches the box as they type,
  looks up the knowledge base, works the queue and "my tickets", searches tickets, comments on one.
- ``Telephony``: the phone system and the CRM integration on the API: screen pops for ringing calls,
  logged calls, tickets opened from calls.

``Creator`` only opens tickets and logs calls (the write throughput figure). The sample data (customer
ids, phone numbers, tickets, the API token) comes from the JSON file named by ``SWITCHBOARD_LOAD_DATA``.
"""

from __future__ import annotations

import json
import os
import random
import re
import time
from typing import Any

from locust import between, tag, task
from locust.contrib.fasthttp import FastHttpUser

DATA: dict[str, Any] = json.loads(open(os.environ["SWITCHBOARD_LOAD_DATA"]).read())  # noqa: SIM115
PASSWORD = "switchboard-demo"  # noqa: S105 - the demo users' published password


class Agent(FastHttpUser):
    """One agent at the desk: a call lasts minutes, a screen action every 5-15 s of it."""

    wait_time = between(5, 15)

    def on_start(self) -> None:
        page = self.client.get("/accounts/login/").text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        self.client.post(
            "/accounts/login/",
            data={"username": random.choice(DATA["agents"]), "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": self.host},
        )
        self.htmx = {"HX-Request": "true"}

    def _csrf_token(self) -> str:
        for cookie in self.client.cookiejar:
            if cookie.name == "csrftoken":
                return str(cookie.value)
        return ""

    @task(6)
    def customer_page(self) -> None:
        self.client.get(f"/customers/{random.choice(DATA['customers'])}/", name="/customers/<id>/")

    @task(4)
    def search_box(self) -> None:
        query = random.choice(DATA["box_queries"])
        for end in (3, len(query)):  # as the agent types: a prefix, then the whole query
            self.client.get(f"/customers/?q={query[:end]}", headers=self.htmx, name="/customers/?q= (as you type)")

    @task(3)
    def knowledge_search(self) -> None:
        self.client.get(f"/kb/?q={random.choice(DATA['kb_queries'])}", headers=self.htmx, name="/kb/?q=")

    @task(3)
    def my_tickets(self) -> None:
        self.client.get("/tickets/", name="/tickets/ (my tickets)")

    @task(2)
    def team_queue(self) -> None:
        self.client.get(f"/tickets/?team={random.choice(DATA['teams'])}", name="/tickets/?team=")

    @task(1)
    def ticket_search(self) -> None:
        self.client.get(f"/tickets/search/?q={random.choice(DATA['ticket_queries'])}", name="/tickets/search/?q=")

    @task(2)
    def ticket_comment(self) -> None:
        ticket = random.choice(DATA["tickets"])
        self.client.post(
            f"/tickets/{ticket}/comments/",
            data={"body": "Called the customer back; waiting for the warehouse.", "is_internal": "on"},
            headers={"X-CSRFToken": self._csrf_token(), "Referer": self.host},
            name="/tickets/<id>/comments/",
        )


class Telephony(FastHttpUser):
    """The phone system: a screen pop per ringing call, the call logged when it ends (one client stands
    for the calls of about a hundred agents: one to three a second)."""

    wait_time = between(0.3, 1)

    def on_start(self) -> None:
        self.auth = {"Authorization": f"Bearer {DATA['token']}", "Content-Type": "application/json"}

    @task(4)
    def screen_pop(self) -> None:
        body = json.dumps({"phone": random.choice(DATA["phones"])})
        self.client.post(
            "/api/v1/customers/lookup/", data=body, headers=self.auth, name="POST /api/v1/customers/lookup/"
        )

    @task(3)
    def log_call(self) -> None:
        _post_call(self)

    @task(1)
    def open_ticket(self) -> None:
        _post_ticket(self)


class Creator(FastHttpUser):
    """Writes only, as fast as the server takes them: the throughput of opening tickets and logging calls."""

    wait_time = between(0, 0)

    def on_start(self) -> None:
        self.auth = {"Authorization": f"Bearer {DATA['token']}", "Content-Type": "application/json"}

    @tag("tickets")
    @task
    def open_ticket(self) -> None:
        _post_ticket(self)

    @tag("calls")
    @task
    def log_call(self) -> None:
        _post_call(self)


def _post_ticket(user: Any) -> None:
    body = {
        "subject": "Order arrived damaged",
        "description": "Opened from the phone system after the call.",
        "customer": random.choice(DATA["customers"]),
    }
    user.client.post("/api/v1/tickets/", data=json.dumps(body), headers=user.auth, name="/api/v1/tickets/")


def _post_call(user: Any) -> None:
    body = {
        "external_id": f"load-{time.time_ns()}-{random.randrange(1_000_000)}",
        "direction": "inbound",
        "phone_number": random.choice(DATA["phones"]),
        "customer": random.choice(DATA["customers"]),
        "started_at": "2026-11-26T10:00:00Z",
        "talk_seconds": random.randrange(60, 600),
    }
    user.client.post("/api/v1/calls/", data=json.dumps(body), headers=user.auth, name="/api/v1/calls/")

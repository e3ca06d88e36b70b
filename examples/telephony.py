"""Telephony walkthrough: screen pop on ring, log the call at hang-up, open a ticket.

python examples/telephony.py http://127.0.0.1:8000 sb_yourtoken +14155551000
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta

from switchboard_client import Switchboard


def main(base_url: str, token: str, phone: str) -> int:
    api = Switchboard(base_url, token)
    matches = api.screen_pop(phone)
    customer = matches[0] if matches else None
    print("ring:", customer["name"] if customer else "unknown caller")
    started = datetime.now(UTC)
    call = api.call_started("pbx-" + started.strftime("%H%M%S%f"), customer["id"] if customer else None, phone)
    call = api.call_ended(
        call["id"],
        answered_at=started.isoformat(),
        ended_at=(started + timedelta(minutes=4)).isoformat(),
        disposition="follow_up",
        notes="Customer reports a damaged order.",
    )
    print("call logged:", call["id"], call["talk_seconds"], "seconds")
    if customer:
        ticket = api.open_ticket(customer["id"], "Damaged order", call_id=call["id"])
        print("ticket:", ticket["number"])
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))

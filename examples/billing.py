"""Billing walkthrough: apply approved refunds, then mark them applied (safe to run again).

python examples/billing.py http://127.0.0.1:8000 sb_yourtoken
"""

from __future__ import annotations

import sys

from switchboard_client import Switchboard


def main(base_url: str, token: str) -> int:
    api = Switchboard(base_url, token)
    for approval in api.approved_not_applied():
        # ... issue the refund in the billing system here, then:
        applied = api.mark_applied(approval["id"])
        print("applied", approval["id"], approval["amount"], approval["currency"], applied["applied_at"])
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))

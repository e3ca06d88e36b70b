"""Card redaction against the generated corpora: what is kept, what is altered, and how long it takes.

    .venv/bin/python bench/redaction.py

Prints the figures the README publishes (issue 14): cards and CVV codes kept (target 0) and
look-alikes altered (target at most 1 %), plus the time to redact a typical and a long note.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

from config.redaction import redact_text
from config.tests.card_corpus import cards, leaked, look_alikes


def main() -> None:
    positives, negatives = cards(), look_alikes()
    kept = sum(leaked(sample, redact_text(sample.text)) for sample in positives)
    altered = sum(redact_text(sample.text) != sample.text for sample in negatives)
    print(f"cards and CVV codes: {len(positives)} samples, {kept} kept")
    print(f"look-alikes: {len(negatives)} samples, {altered} altered ({100 * altered / len(negatives):.2f} %)")
    note = "Customer called about order 12345 placed 2026-11-20, asked for a refund. " * 25
    long_note = note * 40
    for label, text in (("2 KB note", note), ("80 KB note", long_note)):
        started = time.perf_counter()
        rounds = 200 if len(text) < 10_000 else 10
        for _ in range(rounds):
            redact_text(text)
        print(f"redact {label}: {1000 * (time.perf_counter() - started) / rounds:.2f} ms")


if __name__ == "__main__":
    main()

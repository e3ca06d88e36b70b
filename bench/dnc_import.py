"""Do-not-call list import: a CSV of a million numbers, timed end to end through the command.

    .venv/bin/python bench/dnc_import.py [--lines 1000000]

Writes a registry-like file (national US numbers in the usual shapes, E.164 ones, a date column, a few
duplicates and bad lines), then runs ``manage.py dnc_import --shared`` twice on the bench database: a first
load onto an empty list and a reload where every number is already listed. Target: under 60 s for 1M lines.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _harness import BASE_DIR, bench_env, manage

SHAPES = ("{a}{b}{c}", "({a}) {b}-{c}", "{a}.{b}.{c}", "1-{a}-{b}-{c}", "+1{a}{b}{c}")


def write_list(path: Path, lines: int) -> None:
    rng = random.Random(20)
    with path.open("w") as out:
        out.write("number,date\n")
        for n in range(lines - 1):
            if n % 5000 == 4999:
                out.write("not a number\n")
                continue
            area = 200 + (n // 10_000_000) % 800
            local = 2_000_000 + (n * 7919) % 8_000_000  # distinct for the first 8M lines
            a, b, c = str(area), str(local)[:3], str(local)[3:]
            shape = SHAPES[rng.randrange(len(SHAPES))]
            date = f",2026-{1 + n % 12:02d}-{1 + n % 28:02d}" if n % 3 == 0 else ""
            out.write(shape.format(a=a, b=b, c=c) + date + "\n")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    args = parser.parse_args()
    env = bench_env()
    manage(env, "migrate", "--noinput", "-v", "0")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "registry.csv"
        started = time.monotonic()
        write_list(path, args.lines)
        print(f"wrote {args.lines:,} lines in {time.monotonic() - started:.1f} s")
        subprocess.run(
            [sys.executable, "manage.py", "shell", "-v", "0", "-c",
             "from crm.models import DoNotCallEntry; DoNotCallEntry.objects.filter(program=None).delete()"],
            cwd=BASE_DIR, env=env, check=True,
        )  # fmt: skip
        for label in ("first load", "reload"):
            started = time.monotonic()
            subprocess.run(
                [sys.executable, "manage.py", "dnc_import", str(path), "--shared", "--source", "registry"],
                cwd=BASE_DIR, env=env, check=True,
            )  # fmt: skip
            print(f"{label}: {args.lines:,} lines in {time.monotonic() - started:.1f} s (target < 60 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Generated corpora for the card redaction: cards typed every way we know of, and look-alikes.

Both are made from a fixed seed, so a failure names a reproducible sample. ``bench/redaction.py``
prints the figures the README publishes; ``test_redaction_corpus.py`` holds them to the target.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

SEED = 20261126

# (brand, prefixes, lengths)
BRANDS = [
    ("visa", ["4"], [13, 16, 19]),
    ("mastercard", ["51", "52", "53", "54", "55", "2221", "2500", "2720"], [16]),
    ("amex", ["34", "37"], [15]),
    ("discover", ["6011", "65", "644"], [16, 19]),
    ("jcb", ["3528", "3589"], [16]),
    ("diners", ["36", "38"], [14]),
    ("unionpay", ["62"], [16, 17, 18, 19]),
]
SEPARATORS = [
    " ", "-", ".", "\u00a0", "\u2009", "\u202f", "\u200b", "\u00ad", "\t", "\n", "  ", "--", " - ", "/", "_",
    "\u2013", "\u2014", "\u2212", "",
]  # fmt: skip
DIGIT_SCRIPTS = {
    "ascii": "0123456789",
    "arabic-indic": "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669",
    "persian": "\u06f0\u06f1\u06f2\u06f3\u06f4\u06f5\u06f6\u06f7\u06f8\u06f9",
    "devanagari": "\u0966\u0967\u0968\u0969\u096a\u096b\u096c\u096d\u096e\u096f",
    "fullwidth": "\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19",
}
CONTEXTS = [
    "{}", "card {}", "my card is {} thanks", "Card number: {}.", "cc#{}", "({})", "ref 12 {}", "paid with {} today",
    "number {}, expiry 04/29", "+{}", "card\n{}\nexp 12/27", "«{}»", "CARD:{};",
]  # fmt: skip
CVV_FORMS = [
    "CVV {}", "cvv{}", "cvv of {}", "CVC: {}", "cvc2 {}", "security code is {}", "code on the back: {}",
    "CID {}", "card verification value {}", "three digit code {}",
]  # fmt: skip


def luhn_digit(body: str) -> str:
    total = 0
    for index, char in enumerate(reversed(body)):
        value = int(char)
        if index % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def _grouped(digits: str, rng: random.Random) -> list[str]:
    if len(digits) == 15 and rng.random() < 0.5:
        return [digits[:4], digits[4:10], digits[10:]]
    if len(digits) == 14 and rng.random() < 0.5:
        return [digits[:4], digits[4:10], digits[10:]]
    if rng.random() < 0.15:
        return [digits[i : i + 2] for i in range(0, len(digits), 2)][:8] if len(digits) <= 16 else [digits]
    return [digits[i : i + 4] for i in range(0, len(digits), 4)]


@dataclass(frozen=True)
class Sample:
    text: str
    secret: str  # the digits (ASCII) that must not survive; "" for look-alikes
    kind: str


def cards(count: int = 2400) -> list[Sample]:
    rng = random.Random(SEED)
    samples = []
    for _ in range(count):
        brand, prefixes, lengths = rng.choice(BRANDS)
        prefix, length = rng.choice(prefixes), rng.choice(lengths)
        body = prefix + "".join(rng.choice("0123456789") for _ in range(length - len(prefix) - 1))
        digits = body + luhn_digit(body)
        separator = rng.choice(SEPARATORS)
        script = rng.choice(list(DIGIT_SCRIPTS))
        typed = separator.join(_grouped(digits, rng)).translate(str.maketrans("0123456789", DIGIT_SCRIPTS[script]))
        context = rng.choice(CONTEXTS)
        samples.append(Sample(context.format(typed), digits, f"{brand}/{script}/{separator!r}"))
    for _ in range(count // 6):
        code = "".join(rng.choice("0123456789") for _ in range(rng.choice([3, 4])))
        spaced = " ".join(code) if rng.random() < 0.2 else code
        samples.append(Sample(rng.choice(CVV_FORMS).format(spaced), code, "cvv"))
    return samples


def look_alikes(count: int = 2400) -> list[Sample]:
    """Numbers people type into notes that are not cards: they must come out as they went in."""
    rng = random.Random(SEED + 1)

    def digits(n: int) -> str:
        return "".join(rng.choice("0123456789") for _ in range(n))

    def non_luhn_16() -> str:
        while True:
            candidate = rng.choice("123456789") + digits(15)
            if luhn_digit(candidate[:-1]) != candidate[-1]:
                return " ".join(candidate[i : i + 4] for i in range(0, 16, 4)) if rng.random() < 0.5 else candidate

    makers = [
        lambda: f"call me on +1 {digits(3)} 555 {digits(4)} after 5",
        lambda: f"({digits(3)}) 555-{digits(4)}",
        lambda: f"{digits(3)}.555.{digits(4)}",
        lambda: f"+44 20 7946 {digits(4)}",
        lambda: f"0044 20 7946 {digits(4)}",
        lambda: f"+33 1 {digits(2)} {digits(2)} {digits(2)} {digits(2)}",
        lambda: f"+49 30 {digits(7)}",
        lambda: f"+91 98{digits(3)} {digits(5)}",
        lambda: f"office 415-555-{digits(4)}, mobile 415-555-{digits(4)}",
        lambda: f"Order #{digits(6)} of 2026-11-{rng.randint(10, 28)}",
        lambda: f"order {digits(8)}-{digits(4)}",
        lambda: f"invoice INV-2026-{digits(6)}",
        lambda: f"UPS 1Z{digits(3)}AA1{digits(8)}",
        lambda: f"USPS 9400 {digits(4)} {digits(4)} {digits(4)} {digits(4)} {digits(2)}",
        lambda: f"USPS 9205 {digits(4)} {digits(4)} {digits(4)} {digits(4)} {digits(2)}",
        lambda: f"FedEx {digits(4)} {digits(4)} {digits(4)}",
        lambda: f"on {rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2026 at {rng.randint(0, 23):02d}:{digits(2)}",
        lambda: f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:30:00Z",
        lambda: f"account id {non_luhn_16()}",
        lambda: f"ticket SB-{digits(5)} and SB-{digits(5)}",
        lambda: f"refund of $1,{digits(3)}.{digits(2)} approved",
        lambda: f"meter {digits(10)}",
        lambda: f"postcode {digits(5)}-{digits(4)}",
        lambda: f"IP 10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}",
        lambda: f"version 2.{rng.randint(0, 20)}.{rng.randint(0, 99)}",
    ]
    return [Sample(rng.choice(makers)(), "", "look-alike") for _ in range(count)]


def leaked(sample: Sample, redacted: str) -> bool:
    """Whether the secret digits survive in ``redacted`` (any script, any separators)."""
    from config.redaction import _normalised

    return sample.secret in re.sub(r"\D", "", _normalised(redacted))

"""Every common way of writing a number stores the same E.164 number."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from crm.phones import looks_like_phone, normalize_phone


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("(415) 555-0100", "US", "+14155550100"),
        ("415.555.0100", "US", "+14155550100"),
        ("+1 415 555 0100", "US", "+14155550100"),
        ("1-415-555-0100", "US", "+14155550100"),
        ("+1 (415) 555-0100", "GB", "+14155550100"),
        ("0044 20 7946 0018", "US", "+442079460018"),
        ("020 7946 0018", "GB", "+442079460018"),
        ("+44 (0)20 7946 0018", "US", "+442079460018"),
        ("01 42 68 53 00", "FR", "+33142685300"),
    ],
)
def test_normalization_table(raw, region, expected):
    assert normalize_phone(raw, region=region) == expected


@pytest.mark.parametrize("raw", ["", "hello", "12", "+1 415"])
def test_garbage_is_a_clear_error(raw):
    with pytest.raises(ValidationError):
        normalize_phone(raw, region="US")


separators = st.sampled_from(["", " ", "-", ".", "  "])


@given(a=separators, b=separators, paren=st.booleans(), prefix=st.sampled_from(["", "+1 ", "1 ", "+1", "001 "]))
def test_any_punctuation_gives_the_same_number(a, b, paren, prefix):
    area = "(415)" if paren else "415"
    raw = f"{prefix}{area}{a}555{b}0100"
    assert normalize_phone(raw, region="US") == "+14155550100"


def test_what_counts_as_a_phone_query():
    assert looks_like_phone("0100")
    assert looks_like_phone("(415) 555")
    assert not looks_like_phone("010")
    assert not looks_like_phone("Maria 0100")

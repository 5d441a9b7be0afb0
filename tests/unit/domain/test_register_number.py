"""Register numbers: format, forgiving parsing, and a check character that catches typos."""

import random
import re
from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.iso7064 import mod_37_36

from backend.domain.calendar import WIB
from backend.domain.register_number import (
    ALPHABET,
    REGISTER_NUMBER_PATTERN,
    RegisterNumberError,
    _combine,
    checksum,
    make_register_number,
    parse_register_number,
)

EXAMPLE = "KP-2611-00042M"


def test_a_register_number_has_prefix_month_sequence_and_check_character():
    assert make_register_number("KP", date(2026, 11, 20), 42) == EXAMPLE


def test_the_month_of_a_register_number_is_the_month_of_receipt_in_wib():
    late_november_utc = datetime(2026, 11, 30, 20, tzinfo=UTC)  # 1 December, 03:00 WIB
    assert make_register_number("BND", late_november_utc, 7).startswith("BND-2612-00007")


def test_the_sequence_grows_beyond_five_digits_when_needed():
    number = make_register_number("BND", datetime(2027, 1, 2, tzinfo=WIB), 123456)
    assert re.fullmatch(r"BND-2701-123456[0-9A-Z]", number)
    assert parse_register_number(number) == number


@pytest.mark.parametrize("prefix", ["K", "KPROX", "kp", "K1", "", "KÜ"])
def test_a_prefix_must_be_two_to_four_uppercase_letters(prefix):
    with pytest.raises(ValueError, match="prefix"):
        make_register_number(prefix, date(2026, 11, 20), 1)


@pytest.mark.parametrize("sequence", [0, -1, True, 1.0])
def test_a_sequence_must_be_a_positive_whole_number(sequence):
    with pytest.raises(ValueError, match="sequence"):
        make_register_number("KP", date(2026, 11, 20), sequence)


def test_a_naive_receipt_time_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        make_register_number("KP", datetime(2026, 11, 20, 10), 1)


@pytest.mark.parametrize(
    "typed",
    [
        "KP-2611-00042M",
        "kp-2611-00042m",
        "KP 2611 00042 M",
        "KP261100042M",
        "KP--2611--00042-M",
        "  (KP-2611-00042M).",
        "#kp/2611/00042m!",
        "KP–2611–00042M",
        "ＫＰ－２６１１－０００４２Ｍ",
    ],
)
def test_a_typed_register_number_is_read_in_its_canonical_form(typed):
    assert parse_register_number(typed) == EXAMPLE


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "hello",
        "KP-2611-0042M",
        "KP-2613-00042M",
        "KP-2600-00042M",
        "KP-2611-00000M",
        "KP-2611-000042M",
        "K-2611-00042M",
        "KPROX-2611-00042M",
        "KP-2611-0O042M",
        "KP-2611-00042",
        "KP-2611-00042M" * 10,
    ],
)
def test_a_text_of_the_wrong_shape_is_malformed(typed):
    with pytest.raises(RegisterNumberError) as caught:
        parse_register_number(typed)
    assert caught.value.reason == "malformed"


def test_a_wrong_check_character_means_mistyped():
    with pytest.raises(RegisterNumberError) as caught:
        parse_register_number("KP-2611-00042N")
    assert caught.value.reason == "mistyped"
    assert isinstance(caught.value, ValueError)


def test_the_check_quasigroup_is_a_latin_square_that_tells_every_neighbour_swap():
    for a in range(36):
        assert sorted(_combine(a, b) for b in range(36)) == list(range(36))
        assert sorted(_combine(b, a) for b in range(36)) == list(range(36))
        for x in range(36):
            for y in range(x + 1, 36):
                assert _combine(_combine(a, x), y) != _combine(_combine(a, y), x)


def sample_numbers(count: int) -> list[str]:
    rng = random.Random(20261120)
    numbers = []
    for _ in range(count):
        prefix = "".join(rng.choices("ABCDEFGHIJKLMNOPQRSTUVWXYZ", k=rng.randint(2, 4)))
        day = date(rng.randint(2000, 2099), rng.randint(1, 12), 1)
        numbers.append(make_register_number(prefix, day, rng.randint(1, 10 ** rng.randint(1, 8))))
    return numbers


def is_refused(text: str) -> bool:
    try:
        parse_register_number(text)
    except RegisterNumberError:
        return True
    return False


def test_every_single_mistyped_character_is_detected():
    for number in sample_numbers(150):
        for position, char in enumerate(number):
            for typo in ALPHABET if char != "-" else ():
                changed = number[:position] + typo + number[position + 1 :]
                assert changed == number or is_refused(changed), changed


def test_every_swap_of_two_neighbouring_characters_is_detected():
    for number in sample_numbers(400):
        for position in range(len(number) - 1):
            pair = number[position : position + 2]
            swapped = number[:position] + pair[::-1] + number[position + 2 :]
            if "-" in pair:  # a moved dash is harmless: the same number is read
                assert parse_register_number(swapped) == number
            elif swapped != number:
                assert is_refused(swapped), swapped


def test_iso_7064_mod_37_36_was_not_enough_because_it_misses_some_swaps():
    assert mod_37_36.is_valid("KP261100067N")
    assert mod_37_36.is_valid("KP261100076N")


def test_a_valid_register_number_has_checksum_zero():
    assert checksum(EXAMPLE.replace("-", "")) == 0


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=4),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
    st.integers(min_value=1, max_value=10**9),
)
def test_every_register_number_made_parses_back_to_itself(prefix, day, sequence):
    number = make_register_number(prefix, day, sequence)
    assert parse_register_number(number) == number
    assert parse_register_number(number.lower().replace("-", " ")) == number
    found = re.findall(REGISTER_NUMBER_PATTERN, f"Nomor register saya {number.lower()}, ya.")
    assert [parse_register_number(candidate) for candidate in found] == [number]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Nomor register saya KP-2611-00042M, tolong dicek", ["KP-2611-00042M"]),
        ("status kp 2611 00042 m?", ["kp 2611 00042 m"]),
        ("KP261100042M dan BND-2701-123456S", ["KP261100042M", "BND-2701-123456S"]),
        ("(KP-2611-00042M)", ["KP-2611-00042M"]),
        ("nomor HP saya +6281234567890", []),
        ("XKP-2611-00042MX", []),
        ("tanggal 2026-11-20", []),
    ],
)
def test_the_pattern_finds_candidate_register_numbers_in_free_text(text, found):
    assert re.findall(REGISTER_NUMBER_PATTERN, text) == found

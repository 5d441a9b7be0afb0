"""Personal numbers in free text: what agents and logs see of NIK, card, account, phone numbers."""

from __future__ import annotations

import pytest

from backend.domain.personal_data import (
    has_personal_numbers,
    is_personal_number,
    mask_digits,
    mask_for_logs,
    mask_personal_numbers,
)

NIK = "3201012345670001"
CARD = "4111111111111111"  # passes Luhn
CARD_15 = "378282246310005"  # an American Express test number, 15 digits, passes Luhn


def test_a_nik_is_masked_but_for_its_last_four_digits() -> None:
    assert mask_personal_numbers(f"NIK saya {NIK}.") == "NIK saya ************0001."


def test_a_card_number_is_masked_with_or_without_spaces() -> None:
    assert mask_personal_numbers(f"kartu {CARD}") == "kartu ************1111"
    assert mask_personal_numbers("4111 1111 1111 1111") == "**** **** **** 1111"
    assert mask_personal_numbers(f"amex {CARD_15}") == "amex ***********0005"


def test_a_labelled_account_number_is_masked_even_when_short() -> None:
    assert mask_personal_numbers("no. rekening BCA 12345678") == "no. rekening BCA ****5678"
    assert mask_personal_numbers("rek 123-456-7890") == "rek ***-***-7890"


def test_an_unlabelled_long_number_that_is_no_phone_is_masked_as_an_account() -> None:
    assert mask_personal_numbers("transfer ke 1234567890") == "transfer ke ******7890"


def test_phone_numbers_stay_for_agents_who_must_call_back() -> None:
    for phone in ("081234567890", "0812-3456-7890", "+6281234567890", "6281234567890"):
        assert mask_personal_numbers(f"hubungi {phone}") == f"hubungi {phone}"


def test_amounts_dates_and_register_numbers_stay() -> None:
    text = "Rp 1.500.000 pada 2026-11-20, kasus KP-2611-00042M, 3 kali"
    assert mask_personal_numbers(text) == text
    assert mask_for_logs(text) == text


def test_a_nik_next_to_a_phone_is_masked_and_the_phone_kept() -> None:
    text = f"{NIK} 081234567890"
    assert mask_personal_numbers(text) == "************0001 081234567890"


def test_a_nik_glued_to_a_word_is_still_masked() -> None:
    assert mask_personal_numbers(f"NIK:{NIK}") == "NIK:************0001"


def test_luhn_tells_a_thirteen_digit_card_from_a_thirteen_digit_phone() -> None:
    assert is_personal_number("4222222222222")  # a 13-digit Visa test number
    assert not is_personal_number("0812345678901")


def test_sixteen_digits_are_a_nik_even_when_luhn_fails() -> None:
    assert is_personal_number("4111111111111112")


@pytest.mark.parametrize("digits", ["1234567", "123456789"])
def test_short_numbers_without_a_label_are_left_alone(digits: str) -> None:
    assert not is_personal_number(digits)
    assert is_personal_number(digits[:8].ljust(8, "0"), before="nomor rekening ")


def test_logs_lose_phones_and_long_numbers_too() -> None:
    line = f"could not register the case of whatsapp-6281234567890 (NIK {NIK}, HP 0812-3456-7890)"
    assert mask_for_logs(line) == (
        "could not register the case of whatsapp-*********7890 "
        "(NIK ************0001, HP ****-****-7890)"
    )


def test_logs_keep_short_numbers() -> None:
    assert mask_for_logs("attempt 2 of 3 on port 5055") == "attempt 2 of 3 on port 5055"


def test_whether_anything_would_be_masked() -> None:
    assert has_personal_numbers(f"NIK {NIK}")
    assert not has_personal_numbers("halo")
    assert not has_personal_numbers(None)


def test_ids_keep_their_first_and_last_two_digits() -> None:
    assert mask_digits("whatsapp-6281234567890") == "whatsapp-62*********90"

"""Only the filing chat, or someone who confirms the contact on file, reads a case's details."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from backend.domain.contact_check import (
    MAX_FAILED_CHECKS,
    ContactOnFile,
    checks_left,
    contact_matches,
    owns_case,
)

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
PHONE = ContactOnFile(phone="+6281234567890", email=None)
EMAIL = ContactOnFile(phone=None, email="Budi@Example.co.id")


def test_the_filing_conversation_owns_the_case() -> None:
    assert owns_case("web-abc", "web-abc")


def test_another_conversation_or_a_case_without_one_is_not_the_owner() -> None:
    assert not owns_case("web-abc", "budi")
    assert not owns_case(None, "budi")
    assert not owns_case("", "")


def test_the_last_four_digits_of_the_phone_confirm_it() -> None:
    assert contact_matches(PHONE, "7890")
    assert contact_matches(PHONE, " 7890 ")
    assert contact_matches(PHONE, "0812-3456-7890")


def test_wrong_or_too_few_digits_do_not_confirm_it() -> None:
    assert not contact_matches(PHONE, "7891")
    assert not contact_matches(PHONE, "890")
    assert not contact_matches(PHONE, "")
    assert not contact_matches(PHONE, "budi@example.co.id")


def test_a_case_without_a_phone_asks_for_the_whole_email() -> None:
    assert EMAIL.asks_for == "email"
    assert PHONE.asks_for == "phone_digits"
    assert contact_matches(EMAIL, "budi@example.co.id")
    assert not contact_matches(EMAIL, "budi@example.com")
    assert not contact_matches(EMAIL, "7890")


def test_a_case_without_any_contact_is_never_confirmed() -> None:
    assert not contact_matches(ContactOnFile(None, None), "")


def test_failed_checks_in_the_last_day_use_up_the_allowance() -> None:
    assert checks_left([], NOW) == MAX_FAILED_CHECKS
    recent = [NOW - timedelta(minutes=i) for i in range(3)]
    assert checks_left(recent, NOW) == MAX_FAILED_CHECKS - 3
    assert checks_left([NOW] * (MAX_FAILED_CHECKS + 2), NOW) == 0


def test_failed_checks_older_than_a_day_no_longer_count() -> None:
    old = [NOW - timedelta(hours=25)] * MAX_FAILED_CHECKS
    assert checks_left(old, NOW) == MAX_FAILED_CHECKS

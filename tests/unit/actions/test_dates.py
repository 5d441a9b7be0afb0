"""Deadlines in words, as the customer reads them."""

from __future__ import annotations

import pytest

from actions.dates import deadline_in_words


def test_a_deadline_reads_as_an_indonesian_day_and_time() -> None:
    words = deadline_in_words("2026-11-24T17:00:00+07:00")
    assert f"{words.date} pukul {words.time} WIB" == "Selasa, 24 November 2026 pukul 17.00 WIB"


def test_a_deadline_given_in_utc_is_told_in_jakarta_time() -> None:
    assert deadline_in_words("2026-12-29T10:00:00+00:00") == ("Selasa, 29 Desember 2026", "17.00")


def test_a_deadline_reads_in_english_for_an_english_conversation() -> None:
    assert deadline_in_words("2026-11-27T17:00:00+07:00", "en") == (
        "Friday, 27 November 2026",
        "17:00",
    )


def test_a_deadline_without_offset_is_refused() -> None:
    with pytest.raises(ValueError, match="offset"):
        deadline_in_words("2026-11-24T17:00:00")

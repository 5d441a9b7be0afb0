"""The working days a resolution took, counted from the receipt day to the day of the answer."""

from __future__ import annotations

from datetime import UTC, datetime

from backend.domain.calendar import WIB, WorkingCalendar
from backend.domain.deadlines import working_day_deadline, working_days_taken

CALENDAR = WorkingCalendar()


def wib(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=WIB)


def test_an_answer_on_the_receipt_day_took_no_working_day() -> None:
    assert working_days_taken(wib(2026, 11, 20, 10), wib(2026, 11, 20, 16), CALENDAR) == 0


def test_the_weekend_does_not_count() -> None:
    # Received Friday, answered Tuesday: Monday and Tuesday.
    assert working_days_taken(wib(2026, 11, 20, 10), wib(2026, 11, 24, 9), CALENDAR) == 2


def test_a_complaint_received_after_closing_counts_from_the_next_working_day() -> None:
    assert working_days_taken(wib(2026, 11, 20, 18, 30), wib(2026, 11, 24, 9), CALENDAR) == 1


def test_christmas_does_not_count() -> None:
    # Received Thursday 24 December; Friday is Christmas; answered Tuesday 29th.
    assert working_days_taken(wib(2026, 12, 24, 10), wib(2026, 12, 29, 11), CALENDAR) == 2


def test_an_answer_on_a_day_off_counts_up_to_the_last_working_day() -> None:
    assert working_days_taken(wib(2026, 11, 18, 10), wib(2026, 11, 21, 10), CALENDAR) == 2


def test_an_answer_before_the_receipt_day_begins_took_no_working_day() -> None:
    # Received and answered on a Saturday: the receipt day is the Monday after.
    assert working_days_taken(wib(2026, 11, 21, 9), wib(2026, 11, 21, 15), CALENDAR) == 0


def test_the_day_is_taken_in_wib() -> None:
    # 2026-11-23 18:00 UTC is already Tuesday 01:00 WIB.
    answered = datetime(2026, 11, 23, 18, tzinfo=UTC)

    assert working_days_taken(wib(2026, 11, 20, 10), answered, CALENDAR) == 2


def test_an_answer_at_an_n_day_deadline_took_n_working_days() -> None:
    received = wib(2026, 12, 18, 15)
    for days in (0, 1, 5, 10, 20):
        due = working_day_deadline(received, days, CALENDAR)
        assert working_days_taken(received, due, CALENDAR) == days

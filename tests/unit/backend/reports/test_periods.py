"""Report periods: a month or a quarter, from WIB midnight to WIB midnight."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from backend.domain.calendar import WIB
from backend.reports.periods import PeriodError, PeriodKind, parse_period


def test_a_month_runs_from_its_first_wib_midnight_to_the_next_months() -> None:
    period = parse_period("2026-10")

    assert (period.key, period.kind) == ("2026-10", PeriodKind.MONTH)
    assert (period.first_day, period.last_day) == (date(2026, 10, 1), date(2026, 10, 31))
    assert period.start == datetime(2026, 9, 30, 17, tzinfo=UTC)
    assert period.end == datetime(2026, 10, 31, 17, tzinfo=UTC)


def test_a_quarter_spans_three_months() -> None:
    period = parse_period("2026-Q4")

    assert (period.key, period.kind) == ("2026-Q4", PeriodKind.QUARTER)
    assert (period.first_day, period.last_day) == (date(2026, 10, 1), date(2026, 12, 31))
    assert period.end == datetime(2027, 1, 1, tzinfo=WIB)


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
        ("2026-Q2", date(2026, 4, 1), date(2026, 6, 30)),
        ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30)),
        ("2028-02", date(2028, 2, 1), date(2028, 2, 29)),
        ("2026-12", date(2026, 12, 1), date(2026, 12, 31)),
    ],
)
def test_periods_end_on_the_last_day_of_their_last_month(
    text: str, first: date, last: date
) -> None:
    period = parse_period(text)

    assert (period.first_day, period.last_day) == (first, last)


def test_a_quarter_may_be_written_with_a_small_q_and_spaces_around() -> None:
    assert parse_period(" 2026-q4 ").key == "2026-Q4"


def test_the_boundaries_are_wib_midnights_whatever_the_zone_of_the_moment() -> None:
    period = parse_period("2026-10")
    start = datetime(2026, 10, 1, tzinfo=WIB)

    assert not period.covers(start - timedelta(seconds=1))
    assert period.covers(start)
    assert period.covers(datetime(2026, 10, 31, 16, 59, 59, tzinfo=UTC))
    assert not period.covers(datetime(2026, 10, 31, 17, tzinfo=UTC))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2026",
        "2026-13",
        "2026-00",
        "2026-1",
        "2026-Q0",
        "2026-Q5",
        "2026/10",
        "26-10",
        "2026-10-01",
        "2026-H1",
        "1999-12",
        "٢٠٢٦-10",
        "2026-Q4; DROP TABLE cases",
    ],
)
def test_anything_but_a_month_or_a_quarter_is_refused(text: str) -> None:
    with pytest.raises(PeriodError):
        parse_period(text)

"""Working-day deadlines, remaining days and operating hours, in WIB."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.domain.calendar import WIB, WorkingCalendar
from backend.domain.deadlines import (
    CLOSE_OF_BUSINESS,
    case_deadlines,
    extend_deadline,
    is_open,
    next_opening,
    receipt_day,
    remaining_working_days,
    working_day_deadline,
)
from backend.domain.policy import InstitutionProfile

OFF = WorkingCalendar()
ON = WorkingCalendar(cuti_bersama=True)
PROPERTIES = settings(max_examples=200, deadline=None)


def wib(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=WIB)


def close(year: int, month: int, day: int) -> datetime:
    return wib(year, month, day, 17)


def test_a_complaint_received_on_a_friday_morning_is_due_on_tuesday():
    assert working_day_deadline(wib(2026, 11, 20, 10), 2, OFF) == close(2026, 11, 24)


def test_a_complaint_received_after_closing_counts_from_the_next_working_day():
    assert working_day_deadline(wib(2026, 11, 20, 18, 30), 2, OFF) == close(2026, 11, 25)


def test_christmas_friday_moves_a_thursday_complaint_to_tuesday():
    assert working_day_deadline(wib(2026, 12, 24, 10), 2, OFF) == close(2026, 12, 29)


@pytest.mark.parametrize(
    ("received_at", "days", "calendar", "due"),
    [
        # Christmas 2026: Thursday 24 is cuti bersama, Friday 25 a national holiday.
        (wib(2026, 12, 24, 10), 2, ON, close(2026, 12, 30)),
        # Nyepi and Lebaran 2026: 18 Mar cuti, 19 Nyepi, 20/23/24 cuti, 21/22 Eid (weekend).
        (wib(2026, 3, 17, 10), 2, OFF, close(2026, 3, 20)),
        (wib(2026, 3, 17, 10), 2, ON, close(2026, 3, 26)),
        # Ascension 2026: Thursday 14 May holiday, Friday 15 cuti bersama.
        (wib(2026, 5, 13, 16, 59), 2, OFF, close(2026, 5, 18)),
        (wib(2026, 5, 13, 16, 59), 2, ON, close(2026, 5, 19)),
        # August 2026: Independence Day (Mon 17) and Prophet's Birthday (Tue 25).
        (wib(2026, 8, 10, 9), 10, OFF, close(2026, 8, 26)),
        # Nyepi and Lebaran 2027: 8, 10, 11 Mar holidays; 9, 12, 15 Mar cuti bersama.
        (wib(2027, 3, 5, 12), 5, OFF, close(2027, 3, 17)),
        (wib(2027, 3, 5, 12), 5, ON, close(2027, 3, 22)),
        # 17:00 sharp is after closing; Christmas Eve 2027 is cuti bersama.
        (wib(2027, 12, 23, 17), 1, OFF, close(2027, 12, 27)),
        (wib(2027, 12, 23, 17), 1, ON, close(2027, 12, 28)),
        # New Year 2027 (Friday) and Isra' Mi'raj (Tuesday 5 Jan).
        (wib(2026, 12, 31, 20), 2, OFF, close(2027, 1, 7)),
        (wib(2026, 12, 31, 20), 2, ON, close(2027, 1, 7)),
    ],
)
def test_deadlines_skip_the_holidays_of_2026_and_2027(received_at, days, calendar, due):
    assert working_day_deadline(received_at, days, calendar) == due


def test_a_complaint_received_before_opening_counts_from_that_same_day():
    assert receipt_day(wib(2026, 11, 20, 7), OFF) == date(2026, 11, 20)


def test_a_complaint_received_at_the_weekend_counts_from_monday():
    assert receipt_day(wib(2026, 11, 21, 11), OFF) == date(2026, 11, 23)


def test_the_receipt_day_is_decided_in_wib_whatever_the_zone_of_the_timestamp():
    assert receipt_day(datetime(2026, 11, 20, 9, 59, tzinfo=UTC), OFF) == date(2026, 11, 20)
    assert receipt_day(datetime(2026, 11, 20, 10, 0, tzinfo=UTC), OFF) == date(2026, 11, 23)
    # 23:30 UTC on Thursday is already Friday 06:30 in Jakarta.
    assert receipt_day(datetime(2026, 11, 19, 23, 30, tzinfo=UTC), OFF) == date(2026, 11, 20)


def test_a_naive_timestamp_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        working_day_deadline(datetime(2026, 11, 20, 10), 2, OFF)


def test_a_negative_number_of_days_is_refused():
    with pytest.raises(ValueError):
        working_day_deadline(wib(2026, 11, 20, 10), -1, OFF)


def test_zero_days_means_closing_time_on_the_receipt_day():
    assert working_day_deadline(wib(2026, 11, 21, 10), 0, OFF) == close(2026, 11, 23)


def test_a_deadline_is_given_in_wib():
    due = working_day_deadline(datetime(2026, 11, 20, 3, tzinfo=UTC), 2, OFF)
    assert due.tzinfo == ZoneInfo("Asia/Jakarta")
    assert due.isoformat() == "2026-11-24T17:00:00+07:00"


@pytest.mark.parametrize(
    ("calendar", "extended"),
    [(OFF, close(2026, 12, 29)), (ON, close(2026, 12, 30))],
)
def test_an_extension_adds_working_days_after_the_old_deadline(calendar, extended):
    assert extend_deadline(close(2026, 12, 14), 10, calendar) == extended


def test_an_extension_counts_from_the_wib_day_of_the_old_deadline():
    old = datetime(2026, 12, 7, 10, tzinfo=UTC)  # 17:00 WIB on Monday 7 December
    assert extend_deadline(old, 10, OFF) == close(2026, 12, 21)


DUE = close(2026, 11, 24)  # Tuesday


@pytest.mark.parametrize(
    ("now", "remaining"),
    [
        (wib(2026, 11, 20, 10), 2),
        (wib(2026, 11, 21, 12), 2),
        (wib(2026, 11, 23, 18), 1),
        (wib(2026, 11, 24, 10), 0),
        (wib(2026, 11, 24, 16, 59, 59), 0),
        (wib(2026, 11, 24, 17), -1),
        (wib(2026, 11, 24, 23), -1),
        (wib(2026, 11, 25, 12), -1),
        (wib(2026, 11, 25, 17), -2),
        (wib(2026, 11, 30, 10), -4),
        (datetime(2026, 11, 24, 9, 59, tzinfo=UTC), 0),
        (datetime(2026, 11, 24, 10, 0, tzinfo=UTC), -1),
    ],
)
def test_remaining_working_days_count_down_to_zero_then_go_negative(now, remaining):
    assert remaining_working_days(DUE, now, OFF) == remaining


def test_remaining_working_days_skip_holidays():
    assert remaining_working_days(close(2026, 12, 29), wib(2026, 12, 24, 10), OFF) == 2
    assert remaining_working_days(close(2026, 12, 29), wib(2026, 12, 23, 10), ON) == 2


def test_a_deadline_at_an_odd_hour_is_overdue_as_soon_as_it_passes():
    assert remaining_working_days(wib(2026, 11, 24, 12), wib(2026, 11, 24, 13), OFF) == -1


@pytest.mark.parametrize(
    ("now", "opening"),
    [
        (wib(2026, 11, 20, 10), wib(2026, 11, 20, 10)),
        (wib(2026, 11, 20, 9), wib(2026, 11, 20, 9)),
        (wib(2026, 11, 20, 16, 59), wib(2026, 11, 20, 16, 59)),
        (wib(2026, 11, 20, 8), wib(2026, 11, 20, 9)),
        (wib(2026, 11, 20, 17), wib(2026, 11, 23, 9)),
        (wib(2026, 11, 21, 10), wib(2026, 11, 23, 9)),
        (wib(2026, 12, 24, 18), wib(2026, 12, 28, 9)),
        (wib(2026, 12, 25, 8), wib(2026, 12, 28, 9)),
        (datetime(2026, 11, 20, 2, tzinfo=UTC), wib(2026, 11, 20, 9)),
    ],
)
def test_a_message_is_read_now_in_office_hours_or_at_the_next_opening(now, opening):
    assert next_opening(now, OFF) == opening
    assert is_open(now, OFF) == (now == opening)


def test_the_office_is_closed_on_cuti_bersama_only_when_the_policy_counts_it():
    assert is_open(wib(2026, 12, 24, 10), OFF)
    assert not is_open(wib(2026, 12, 24, 10), ON)
    assert next_opening(wib(2026, 12, 24, 10), ON) == wib(2026, 12, 28, 9)


def profile() -> InstitutionProfile:
    return InstitutionProfile.from_mapping(
        {
            "key": "kreditpro",
            "name": "KreditPro",
            "kind": "p2p",
            "register_prefix": "KP",
            "products": ["Pinjaman"],
            "first_response_days": 2,
            "oral_resolution_days": 5,
            "written_resolution_days": 10,
            "extension_days": 10,
            "document_days": 10,
            "cuti_bersama_counts": False,
            "priority_targets": {"emergency": 1, "high": 3, "medium": 5, "low": 10},
        }
    )


@pytest.mark.parametrize(
    ("mode", "resolution"), [("written", close(2026, 12, 4)), ("oral", close(2026, 11, 27))]
)
def test_a_case_gets_a_first_response_and_a_resolution_deadline(mode, resolution):
    deadlines = case_deadlines(wib(2026, 11, 20, 10), mode, profile(), OFF)
    assert deadlines.first_response_due_at == close(2026, 11, 24)
    assert deadlines.resolution_due_at == resolution


def test_an_unknown_submission_mode_is_refused():
    with pytest.raises(ValueError, match="submission mode"):
        case_deadlines(wib(2026, 11, 20, 10), "telepathic", profile(), OFF)


ZONES = [WIB, ZoneInfo("UTC"), ZoneInfo("Asia/Jayapura"), ZoneInfo("America/New_York")]
moments = st.datetimes(
    min_value=datetime(2025, 12, 1),
    max_value=datetime(2027, 12, 31),
    timezones=st.sampled_from(ZONES),
    allow_imaginary=False,
)
calendars = st.sampled_from([OFF, ON])
day_counts = st.integers(min_value=0, max_value=25)


@PROPERTIES
@given(moments, day_counts, calendars)
def test_every_deadline_is_a_working_day_at_five_in_the_afternoon_wib(received_at, days, calendar):
    due = working_day_deadline(received_at, days, calendar)
    assert due.tzinfo == WIB
    assert due.time() == CLOSE_OF_BUSINESS
    assert calendar.is_working_day(due.date())
    assert due > received_at


@PROPERTIES
@given(moments, moments, day_counts, calendars)
def test_a_later_receipt_never_gets_an_earlier_deadline(first, second, days, calendar):
    earlier, later = sorted([first, second])
    assert working_day_deadline(earlier, days, calendar) <= working_day_deadline(
        later, days, calendar
    )


@PROPERTIES
@given(moments, day_counts, calendars)
def test_one_more_day_is_never_before_the_deadline_of_fewer_days(received_at, days, calendar):
    assert working_day_deadline(received_at, days + 1, calendar) > working_day_deadline(
        received_at, days, calendar
    )


@PROPERTIES
@given(moments, day_counts)
def test_counting_cuti_bersama_never_makes_a_deadline_earlier(received_at, days):
    assert working_day_deadline(received_at, days, ON) >= working_day_deadline(
        received_at, days, OFF
    )


@PROPERTIES
@given(moments, day_counts, st.integers(min_value=0, max_value=20), calendars)
def test_extending_by_m_days_equals_a_deadline_of_n_plus_m_days(received_at, n, m, calendar):
    due = working_day_deadline(received_at, n, calendar)
    assert extend_deadline(due, m, calendar) == working_day_deadline(received_at, n + m, calendar)


@PROPERTIES
@given(moments, day_counts, calendars)
def test_at_receipt_the_remaining_days_are_the_days_granted(received_at, days, calendar):
    due = working_day_deadline(received_at, days, calendar)
    local = received_at.astimezone(WIB)
    same_day = receipt_day(received_at, calendar) == local.date()
    assert remaining_working_days(due, received_at, calendar) == days + (0 if same_day else 1)


@PROPERTIES
@given(moments, day_counts, moments, st.timedeltas(timedelta(0), timedelta(days=40)), calendars)
def test_remaining_working_days_never_go_up_as_time_passes(received, days, now, wait, calendar):
    due = working_day_deadline(received, days, calendar)
    before = remaining_working_days(due, now, calendar)
    after = remaining_working_days(due, now + wait, calendar)
    assert after <= before
    assert (before < 0) == (now >= due)


@PROPERTIES
@given(moments, calendars)
def test_the_next_opening_is_open_and_never_in_the_past(now, calendar):
    opening = next_opening(now, calendar)
    assert opening >= now
    assert is_open(opening, calendar)
    assert (opening == now) == is_open(now, calendar)

"""Working days: weekends, national holidays and (optionally) cuti bersama, 2026-2027."""

from datetime import date, datetime

import pytest

from backend.domain.calendar import WIB, WorkingCalendar

OFF = WorkingCalendar()
ON = WorkingCalendar(cuti_bersama=True)

# Weekday national holidays (category `public`) per holidays 0.109.
PUBLIC_WEEKDAY_HOLIDAYS = [
    (date(2026, 1, 1), "New Year's Day"),
    (date(2026, 1, 16), "Isra' and Mi'raj"),
    (date(2026, 2, 17), "Lunar New Year"),
    (date(2026, 3, 19), "Day of Silence"),
    (date(2026, 4, 3), "Good Friday"),
    (date(2026, 5, 1), "International Labor Day"),
    (date(2026, 5, 14), "Ascension Day"),
    (date(2026, 5, 27), "Eid al-Adha"),
    (date(2026, 6, 1), "Pancasila Day"),
    (date(2026, 6, 16), "Islamic New Year"),
    (date(2026, 8, 17), "Independence Day"),
    (date(2026, 8, 25), "Prophet's Birthday"),
    (date(2026, 12, 25), "Christmas Day"),
    (date(2027, 1, 1), "New Year's Day"),
    (date(2027, 1, 5), "Isra' and Mi'raj"),
    (date(2027, 3, 8), "Day of Silence"),
    (date(2027, 3, 10), "Eid al-Fitr (estimated)"),
    (date(2027, 3, 11), "Eid al-Fitr Second Day (estimated)"),
    (date(2027, 3, 26), "Good Friday"),
    (date(2027, 5, 6), "Ascension Day"),
    (date(2027, 5, 17), "Eid al-Adha (estimated)"),
    (date(2027, 5, 20), "Vesak Day"),
    (date(2027, 6, 1), "Pancasila Day"),
    (date(2027, 8, 17), "Independence Day"),
]

# Cuti bersama (category `government`) per holidays 0.109; all fall on weekdays.
CUTI_BERSAMA = [
    (date(2026, 2, 16), "Lunar New Year Joint Holiday"),
    (date(2026, 3, 18), "Day of Silence Joint Holiday"),
    (date(2026, 3, 20), "Eid al-Fitr Joint Holiday"),
    (date(2026, 3, 23), "Eid al-Fitr Joint Holiday"),
    (date(2026, 3, 24), "Eid al-Fitr Joint Holiday"),
    (date(2026, 5, 15), "Ascension Joint Holiday"),
    (date(2026, 5, 28), "Eid al-Adha Joint Holiday"),
    (date(2026, 12, 24), "Christmas Joint Holiday"),
    (date(2027, 2, 5), "Lunar New Year Joint Holiday"),
    (date(2027, 3, 9), "Eid al-Fitr Joint Holiday"),
    (date(2027, 3, 12), "Eid al-Fitr Joint Holiday"),
    (date(2027, 3, 15), "Eid al-Fitr Joint Holiday"),
    (date(2027, 3, 25), "Good Friday Joint Holiday"),
    (date(2027, 5, 18), "Eid al-Adha Joint Holiday"),
    (date(2027, 5, 19), "Vesak Joint Holiday"),
    (date(2027, 12, 24), "Christmas Joint Holiday"),
]


@pytest.mark.parametrize(("day", "name"), PUBLIC_WEEKDAY_HOLIDAYS)
def test_a_national_holiday_on_a_weekday_is_never_a_working_day(day, name):
    assert day.weekday() < 5
    assert not OFF.is_working_day(day)
    assert not ON.is_working_day(day)
    assert OFF.holiday_name(day) == name


@pytest.mark.parametrize(("day", "name"), CUTI_BERSAMA)
def test_cuti_bersama_is_a_working_day_unless_the_policy_counts_it(day, name):
    assert day.weekday() < 5
    assert OFF.is_working_day(day)
    assert OFF.holiday_name(day) is None
    assert not ON.is_working_day(day)
    assert ON.holiday_name(day) == name


@pytest.mark.parametrize(
    "day",
    [date(2026, 11, 20), date(2026, 12, 23), date(2027, 1, 4), date(2027, 12, 27)],
)
def test_an_ordinary_weekday_is_a_working_day_with_no_holiday_name(day):
    assert OFF.is_working_day(day)
    assert ON.is_working_day(day)
    assert ON.holiday_name(day) is None


@pytest.mark.parametrize("day", [date(2026, 11, 21), date(2026, 11, 22), date(2027, 12, 25)])
def test_saturdays_and_sundays_are_not_working_days(day):
    assert not OFF.is_working_day(day)


def test_a_holiday_on_a_weekend_keeps_its_name():
    assert OFF.holiday_name(date(2027, 12, 25)) == "Christmas Day"


@pytest.mark.parametrize(
    ("calendar", "day", "expected"),
    [
        (OFF, date(2026, 11, 20), date(2026, 11, 23)),
        (OFF, date(2026, 12, 24), date(2026, 12, 28)),
        (OFF, date(2026, 3, 17), date(2026, 3, 18)),
        (ON, date(2026, 3, 17), date(2026, 3, 25)),
        (OFF, date(2026, 12, 31), date(2027, 1, 4)),
        (OFF, date(2027, 3, 5), date(2027, 3, 9)),
        (ON, date(2027, 3, 5), date(2027, 3, 16)),
        (ON, date(2027, 12, 23), date(2027, 12, 27)),
    ],
)
def test_the_next_working_day_is_strictly_after_and_skips_closed_days(calendar, day, expected):
    assert calendar.next_working_day(day) == expected


def test_the_previous_working_day_skips_back_over_a_long_weekend():
    assert OFF.previous_working_day(date(2026, 12, 28)) == date(2026, 12, 24)
    assert ON.previous_working_day(date(2026, 12, 28)) == date(2026, 12, 23)


def test_a_datetime_is_refused_because_its_day_depends_on_the_time_zone():
    with pytest.raises(TypeError):
        OFF.is_working_day(datetime(2026, 11, 20, 10, tzinfo=WIB))


def test_calendars_with_different_settings_do_not_share_their_holidays():
    day = date(2026, 12, 24)
    assert not ON.is_working_day(day)
    assert WorkingCalendar().is_working_day(day)
    assert WorkingCalendar(cuti_bersama=True).holiday_name(day) == "Christmas Joint Holiday"

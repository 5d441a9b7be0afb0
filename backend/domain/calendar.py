"""Indonesian working days: Monday to Friday except national holidays (and maybe cuti bersama)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from functools import lru_cache
from types import MappingProxyType
from zoneinfo import ZoneInfo

import holidays

WIB = ZoneInfo("Asia/Jakarta")

PUBLIC = "public"
CUTI_BERSAMA = "government"  # the `holidays` category for collective leave (cuti bersama)
HOLIDAY_LANGUAGE = "en_US"  # explicit: `holidays` would otherwise follow the process locale


@lru_cache(maxsize=256)
def _holidays_of(year: int, categories: tuple[str, ...]) -> Mapping[date, str]:
    """The Indonesian holidays of one year in the given categories (computed once per year)."""
    found = holidays.country_holidays(
        "ID", years=year, categories=categories, language=HOLIDAY_LANGUAGE
    )
    return MappingProxyType(dict(found.items()))


class WorkingCalendar:
    """Tells working days from holidays; holiday years are loaded lazily and cached."""

    def __init__(self, *, cuti_bersama: bool = False) -> None:
        self.cuti_bersama = cuti_bersama
        self._categories = (PUBLIC, CUTI_BERSAMA) if cuti_bersama else (PUBLIC,)

    def __repr__(self) -> str:
        return f"WorkingCalendar(cuti_bersama={self.cuti_bersama})"

    def holiday_name(self, day: date) -> str | None:
        """The name of the holiday (counted by this calendar) on `day`, or None."""
        day = _as_date(day)
        return _holidays_of(day.year, self._categories).get(day)

    def is_working_day(self, day: date) -> bool:
        """Whether `day` is a Monday to Friday that is not a counted holiday."""
        day = _as_date(day)
        return day.weekday() < 5 and day not in _holidays_of(day.year, self._categories)

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        day = _as_date(day) + timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def previous_working_day(self, day: date) -> date:
        """The last working day strictly before `day`."""
        day = _as_date(day) - timedelta(days=1)
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day


def _as_date(day: date) -> date:
    """Refuse datetimes: their calendar day depends on a time zone the caller must choose."""
    if isinstance(day, datetime):
        raise TypeError("pass a date, not a datetime (convert it to WIB first)")
    return day

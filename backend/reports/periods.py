"""Report periods: a month (`2026-10`) or a quarter (`2026-Q4`), bounded at WIB midnight.

A period runs from 00:00 WIB on its first day (inclusive) to 00:00 WIB on the first day
of the next period (exclusive). WIB is UTC+7 all year (no daylight saving), so October
2026 is [2026-09-30T17:00Z, 2026-10-31T17:00Z). Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from backend.domain.calendar import WIB
from backend.domain.refusal import Refused

_MONTH = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")
_QUARTER = re.compile(r"([0-9]{4})-[Qq]([1-4])")
FIRST_YEAR, LAST_YEAR = 2000, 2999


class PeriodKind(StrEnum):
    """A calendar month or a calendar quarter."""

    MONTH = "month"
    QUARTER = "quarter"


class PeriodError(Refused, ValueError):
    """The text names no report period (422, naming `period`)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail, field="period")


@dataclass(frozen=True)
class Period:
    """A report period: its key (`2026-10`, `2026-Q4`) and its first and last WIB day."""

    key: str
    kind: PeriodKind
    first_day: date
    last_day: date

    @property
    def start(self) -> datetime:
        """00:00 WIB on the first day: the first instant of the period."""
        return datetime.combine(self.first_day, time(0, 0), tzinfo=WIB)

    @property
    def end(self) -> datetime:
        """00:00 WIB on the day after the last day: the first instant after the period."""
        return datetime.combine(self.last_day + timedelta(days=1), time(0, 0), tzinfo=WIB)

    def covers(self, moment: datetime) -> bool:
        """Whether the (aware) `moment` falls within the period."""
        return self.start <= moment < self.end


def parse_period(text: str) -> Period:
    """The month `YYYY-MM` or quarter `YYYY-Qn` named by `text`; PeriodError otherwise."""
    text = text.strip() if isinstance(text, str) else ""
    if month := _MONTH.fullmatch(text):
        year, first_month, months = int(month[1]), int(month[2]), 1
        key, kind = f"{year}-{first_month:02d}", PeriodKind.MONTH
    elif quarter := _QUARTER.fullmatch(text):
        year, number = int(quarter[1]), int(quarter[2])
        first_month, months = 3 * number - 2, 3
        key, kind = f"{year}-Q{number}", PeriodKind.QUARTER
    else:
        raise PeriodError("must be a month such as 2026-10 or a quarter such as 2026-Q4")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PeriodError(f"the year must be from {FIRST_YEAR} to {LAST_YEAR}")
    first_day = date(year, first_month, 1)
    next_month = first_month + months
    after = date(year + (next_month - 1) // 12, (next_month - 1) % 12 + 1, 1)
    return Period(key, kind, first_day, after - timedelta(days=1))

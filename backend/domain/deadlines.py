"""Working-day deadlines and operating hours, all in WIB (Asia/Jakarta)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from backend.domain.calendar import WIB, WorkingCalendar
from backend.domain.lifecycle import SubmissionMode

if TYPE_CHECKING:
    from backend.domain.policy import InstitutionProfile

OPENING = time(9, 0)
CLOSE_OF_BUSINESS = time(17, 0)


def to_wib(moment: datetime) -> datetime:
    """`moment` in WIB; naive datetimes are refused because their instant is unknown."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("datetime must be timezone-aware")
    return moment.astimezone(WIB)


def at_close(day: date) -> datetime:
    """17:00 WIB on `day`."""
    return datetime.combine(day, CLOSE_OF_BUSINESS, tzinfo=WIB)


def receipt_day(received_at: datetime, calendar: WorkingCalendar) -> date:
    """The working day a complaint counts as received: that day before 17:00, else the next."""
    local = to_wib(received_at)
    if calendar.is_working_day(local.date()) and local.time() < CLOSE_OF_BUSINESS:
        return local.date()
    return calendar.next_working_day(local.date())


def add_working_days(day: date, days: int, calendar: WorkingCalendar) -> date:
    """The `days`-th working day after `day` (`day` itself when days is 0)."""
    if isinstance(days, bool) or not isinstance(days, int):
        raise TypeError("days must be an int")
    if days < 0:
        raise ValueError("days must not be negative")
    for _ in range(days):
        day = calendar.next_working_day(day)
    return day


def working_day_deadline(received_at: datetime, days: int, calendar: WorkingCalendar) -> datetime:
    """17:00 WIB on the `days`-th working day after the receipt day (0: the receipt day)."""
    return at_close(add_working_days(receipt_day(received_at, calendar), days, calendar))


def extend_deadline(due_at: datetime, days: int, calendar: WorkingCalendar) -> datetime:
    """17:00 WIB on the `days`-th working day after the WIB day of `due_at` (time ignored)."""
    return at_close(add_working_days(to_wib(due_at).date(), days, calendar))


def remaining_working_days(due_at: datetime, now: datetime, calendar: WorkingCalendar) -> int:
    """Working days left until `due_at`, counted by WIB days; negative once overdue.

    Before the deadline: the number of working days after now's day up to and including
    due_at's day, so 0 means due today, 1 due on the next working day (also when counted
    from an evening or weekend). From the deadline on: minus the number of working-day
    closes (17:00) from due_at to now, at least 1: -1 while the deadline's own working day
    (and the night after it) runs, -2 after the next working day closes, and so on.
    Meant for deadlines at 17:00 on a working day, as this module makes them.
    """
    due, current = to_wib(due_at), to_wib(now)
    if current < due:
        count, day = 0, current.date()
        while day < due.date():
            day = calendar.next_working_day(day)
            if day <= due.date():
                count += 1
        return count
    closes, day = 0, due.date()
    if not calendar.is_working_day(day):
        day = calendar.next_working_day(day)
    while at_close(day) <= current:
        if at_close(day) >= due:
            closes += 1
        day = calendar.next_working_day(day)
    return -max(1, closes)


def working_days_taken(
    received_at: datetime, answered_at: datetime, calendar: WorkingCalendar
) -> int:
    """Working days after the receipt day up to the WIB day of `answered_at` (0: the receipt day).

    An answer given within N working days by this count came on or before the day of an
    N-day deadline; whether it came by 17:00 is for the caller to compare.
    """
    last, day, count = to_wib(answered_at).date(), receipt_day(received_at, calendar), 0
    while (day := calendar.next_working_day(day)) <= last:
        count += 1
    return count


def is_open(now: datetime, calendar: WorkingCalendar) -> bool:
    """Whether `now` is within operating hours: a working day, 09:00 <= time < 17:00 WIB."""
    local = to_wib(now)
    return calendar.is_working_day(local.date()) and OPENING <= local.time() < CLOSE_OF_BUSINESS


def next_opening(now: datetime, calendar: WorkingCalendar) -> datetime:
    """When an agent will read a message sent at `now`: now if open, else the next 09:00 WIB."""
    local = to_wib(now)
    if is_open(local, calendar):
        return local
    day = local.date()
    if not (calendar.is_working_day(day) and local.time() < OPENING):
        day = calendar.next_working_day(day)
    return datetime.combine(day, OPENING, tzinfo=WIB)


@dataclass(frozen=True)
class CaseDeadlines:
    """The two regulated deadlines of a case."""

    first_response_due_at: datetime
    resolution_due_at: datetime


def resolution_days(submission_mode: str, profile: InstitutionProfile) -> int:
    """The resolution period for an oral or written complaint under `profile`."""
    if submission_mode == SubmissionMode.ORAL:
        return profile.oral_resolution_days
    if submission_mode == SubmissionMode.WRITTEN:
        return profile.written_resolution_days
    raise ValueError(f"unknown submission mode {submission_mode!r}")


def case_deadlines(
    received_at: datetime,
    submission_mode: str,
    profile: InstitutionProfile,
    calendar: WorkingCalendar,
) -> CaseDeadlines:
    """The first-response and resolution deadlines of a complaint received at `received_at`."""
    days = resolution_days(submission_mode, profile)
    return CaseDeadlines(
        first_response_due_at=working_day_deadline(
            received_at, profile.first_response_days, calendar
        ),
        resolution_due_at=working_day_deadline(received_at, days, calendar),
    )


# Clocks of agents' machines and the server may differ a little.
CLOCK_TOLERANCE = timedelta(minutes=5)


def is_in_the_future(moment: datetime, now: datetime) -> bool:
    """Whether `moment` is later than `now` by more than the clock tolerance."""
    return moment > now + CLOCK_TOLERANCE

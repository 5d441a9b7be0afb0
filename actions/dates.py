"""Dates for and from the customer: deadlines in words ("Selasa, 24 November 2026", "17.00"), and
the day of an incident as typed ("kemarin", "3 hari lalu", "12/11/2026")."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time

from actions.chat_words import mentions, plain

# The service's time zone, fixed by its public interface: the case API gives every time in it.
WIB = ZoneInfo("Asia/Jakarta")
LOCALES = {"id": "id", "en": "en"}
TIME_FORMATS = {"id": "HH.mm", "en": "HH:mm"}  # 24-hour clock, as WIB times are written


class DeadlineWords(NamedTuple):
    """The day and the clock time of a deadline, in the customer's language."""

    date: str
    time: str


def deadline_in_words(iso_timestamp: str, language: str = "id") -> DeadlineWords:
    """Format an ISO 8601 deadline in Asia/Jakarta: ('Selasa, 24 November 2026', '17.00')."""
    moment = datetime.fromisoformat(iso_timestamp)
    if moment.tzinfo is None:
        raise ValueError(f"deadline without a UTC offset: {iso_timestamp!r}")
    local = moment.astimezone(WIB)
    locale = LOCALES.get(language, "id")
    return DeadlineWords(
        date=format_date(local, "EEEE, d MMMM y", locale=locale),
        time=format_time(local, TIME_FORMATS.get(language, "HH.mm"), tzinfo=WIB, locale=locale),
    )


MONTHS = {
    **{
        name: number
        for number, names in enumerate(
            [
                ("januari", "january", "jan"),
                ("februari", "february", "feb", "pebruari"),
                ("maret", "march", "mar"),
                ("april", "apr"),
                ("mei", "may"),
                ("juni", "june", "jun"),
                ("juli", "july", "jul"),
                ("agustus", "august", "agu", "agt", "aug"),
                ("september", "sep", "sept"),
                ("oktober", "october", "okt", "oct"),
                ("november", "nov", "nop", "nopember"),
                ("desember", "december", "des", "dec"),
            ],
            start=1,
        )
        for name in names
    }
}
NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2,4}))?(?!\d)")
ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
WORDED_DATE = re.compile(r"(?<!\d)(\d{1,2})\s+([a-z]+)\.?(?:\s+(\d{4}))?")
AGO = re.compile(
    r"(?<!\w)(\d+|se|satu|dua|tiga|empat|lima|a|an|one|two|three)\s*"
    r"(hari|minggu|pekan|bulan|tahun|day|days|week|weeks|month|months|year|years)"
    r"(?:\s+(?:yang\s+)?(?:lalu|yg lalu|ago|kemarin|terakhir))?"
)
NUMBER_WORDS = {
    "se": 1, "satu": 1, "a": 1, "an": 1, "one": 1,
    "dua": 2, "two": 2, "tiga": 3, "three": 3, "empat": 4, "lima": 5,
}  # fmt: skip
UNIT_DAYS = {"hari": 1, "day": 1, "days": 1, "minggu": 7, "pekan": 7, "week": 7, "weeks": 7}
UNIT_MONTHS = {"bulan": 1, "month": 1, "months": 1, "tahun": 12, "year": 12, "years": 12}
RELATIVE_DAYS = (
    ("kemarin lusa", 2),
    ("kemarin dulu", 2),
    ("day before yesterday", 2),
    ("kemarin", 1),
    ("semalam", 1),
    ("tadi malam", 0),
    ("yesterday", 1),
    ("last night", 1),
    ("hari ini", 0),
    ("tadi", 0),
    ("barusan", 0),
    ("today", 0),
    ("this morning", 0),
    ("minggu lalu", 7),
    ("pekan lalu", 7),
    ("last week", 7),
    ("bulan lalu", 30),
    ("last month", 30),
)


def parse_past_date(text: str, today: date) -> date | None:
    """The day a customer means ("kemarin", "3 hari lalu", "12 Nov", "03/11/2026"), if past."""
    words = plain(text)
    day = _explicit_date(words, today) or _relative_date(words, today)
    if day is None or day > today:
        return None
    return day


def _explicit_date(words: str, today: date) -> date | None:
    candidates: list[tuple[int, int, int | None]] = []
    if found := ISO_DATE.search(words):
        candidates.append((int(found[3]), int(found[2]), int(found[1])))
    if found := NUMERIC_DATE.search(words):
        year = int(found[3]) if found[3] else None
        candidates.append((int(found[1]), int(found[2]), year))
    for found in WORDED_DATE.finditer(words):
        if found[2] in MONTHS:
            candidates.append(
                (int(found[1]), MONTHS[found[2]], int(found[3]) if found[3] else None)
            )
    for day_number, month, year in candidates:
        if year is not None and year < 100:
            year += 2000
        try:
            day = date(year or today.year, month, day_number)
        except ValueError:
            continue
        if year is None and day > today:
            day = day.replace(year=day.year - 1)
        return day
    return None


def _relative_date(words: str, today: date) -> date | None:
    if found := AGO.search(words):
        count = int(found[1]) if found[1].isdigit() else NUMBER_WORDS[found[1]]
        if found[2] in UNIT_DAYS:
            return today - timedelta(days=count * UNIT_DAYS[found[2]])
        months = count * UNIT_MONTHS[found[2]]
        year, month = divmod(today.month - 1 - months, 12)
        return _clamped(today.year + year, month + 1, today.day)
    for phrase, days in RELATIVE_DAYS:
        if mentions(words, phrase):
            return today - timedelta(days=days)
    return None


def _clamped(year: int, month: int, day: int) -> date:
    while True:
        try:
            return date(year, month, day)
        except ValueError:
            day -= 1


def date_in_words(day: date, language: str = "id") -> str:
    """'12 November 2026' / '12 November 2026' in the customer's language."""
    return format_date(day, "d MMMM y", locale=LOCALES.get(language, "id"))

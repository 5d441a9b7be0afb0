"""Deadlines in words for the customer, e.g. "Selasa, 24 November 2026" and "17.00" (WIB)."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time

WIB = ZoneInfo("Asia/Jakarta")
LOCALES = {"id": "id", "en": "en"}


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
        time=format_time(local, "short", tzinfo=WIB, locale=locale),
    )

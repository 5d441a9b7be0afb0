"""The supervisor dashboard's figures: weekly volume, deadlines kept, ratings, cases to chase.

Weeks run Monday to Sunday in WIB; the dashboard shows the last `WEEKS` of them, the
current one last. The database counts per WIB day (GROUP BY day, category / rating), so
the rows read are bounded by days × categories (or days × 5 ratings), never by cases;
Python folds the days into weeks. A WIB day is `date(received_at, '+7 hours')` on
SQLite (timestamps are stored as UTC text) and `timezone('Asia/Jakarta', received_at)::date`
on PostgreSQL.

- volume: cases received per week and category.
- compliance: cases resolved per week (by WIB day of resolution), `on_time` when resolved
  by the deadline in force (the extended one if extended), else `late`; and, now, the open
  cases `overdue` (deadline in force passed) and `due_soon` (due by 17:00 WIB on the next
  working day: at most one working day left).
- ratings: chat ratings given per week, their count and mean.
- attention: the open cases overdue or due soon, earliest deadline first (at most
  `ATTENTION_LIMIT`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Date, cast, func, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.repository import effective_due
from backend.db.tables import CaseRecord, Rating
from backend.domain.calendar import WIB, WorkingCalendar
from backend.domain.deadlines import at_close, to_wib
from backend.domain.lifecycle import Category
from backend.reports.build import OPEN_STATUSES

WEEKS = 12
ATTENTION_LIMIT = 100


def wib_day(column: Any, dialect: str) -> ColumnElement[Any]:
    """The WIB calendar day of a UTC timestamp column, in the database's own dialect."""
    if dialect == "postgresql":
        return cast(func.timezone(literal_column("'Asia/Jakarta'"), column), Date)
    return func.date(column, literal_column("'+7 hours'"))


def week_start(day: date) -> date:
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


def _as_date(value: Any) -> date:
    """A day as the database returns it (a date on PostgreSQL, `YYYY-MM-DD` on SQLite)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _plain(value: Any) -> str:
    return str(getattr(value, "value", value))


@dataclass(frozen=True)
class AttentionCase:
    """An open case overdue or due within one working day."""

    register_number: str
    full_name: str
    category: str
    priority: str
    status: str
    officer: str | None
    due_at: datetime
    overdue: bool


@dataclass(frozen=True)
class Dashboard:
    """The dashboard's figures at `as_of`; every weekly list has one entry per week."""

    as_of: datetime
    weeks: tuple[date, ...]
    volume: dict[str, tuple[int, ...]]
    resolved_on_time: tuple[int, ...]
    resolved_late: tuple[int, ...]
    open_overdue: int
    open_due_soon: int
    rating_count: tuple[int, ...]
    rating_mean: tuple[float | None, ...]
    attention: tuple[AttentionCase, ...]


async def build_dashboard(
    session: AsyncSession, *, calendar: WorkingCalendar, as_of: datetime, weeks: int = WEEKS
) -> Dashboard:
    """The dashboard's figures for the `weeks` weeks up to the one holding `as_of`."""
    dialect = session.get_bind().dialect.name
    today = to_wib(as_of).date()
    first = week_start(today) - timedelta(weeks=weeks - 1)
    week_list = tuple(first + timedelta(weeks=n) for n in range(weeks))
    since = datetime.combine(first, time(0, 0), tzinfo=WIB)
    index = {week: n for n, week in enumerate(week_list)}

    def slot(day: Any) -> int | None:
        return index.get(week_start(_as_date(day)))

    # Volume: cases per WIB day and category.
    day = wib_day(CaseRecord.received_at, dialect)
    volume = {category.value: [0] * weeks for category in Category}
    rows = await session.execute(
        select(day, CaseRecord.category, func.count())
        .where(CaseRecord.received_at >= since, CaseRecord.received_at <= as_of)
        .group_by(day, CaseRecord.category)
    )
    for found_day, category, count in rows.all():
        if (n := slot(found_day)) is not None:
            volume.setdefault(_plain(category), [0] * weeks)[n] += int(count)

    # Deadlines kept: resolved cases per WIB day of resolution, on time or late.
    due = effective_due()
    resolved_day = wib_day(CaseRecord.resolved_at, dialect)
    on_time, late = [0] * weeks, [0] * weeks
    rows = await session.execute(
        select(
            resolved_day,
            func.count().filter(CaseRecord.resolved_at <= due),
            func.count().filter(CaseRecord.resolved_at > due),
        )
        .where(CaseRecord.resolved_at >= since, CaseRecord.resolved_at <= as_of)
        .group_by(resolved_day)
    )
    for found_day, kept, missed in rows.all():
        if (n := slot(found_day)) is not None:
            on_time[n] += int(kept)
            late[n] += int(missed)

    # Open cases overdue now, or due by the close of the next working day.
    soon = at_close(calendar.next_working_day(today))
    is_open = CaseRecord.status.in_(OPEN_STATUSES)
    counts = (
        await session.execute(
            select(
                func.count().filter(due <= as_of),
                func.count().filter(due > as_of, due <= soon),
            ).where(is_open)
        )
    ).one()

    # Ratings per WIB day and value.
    rated_day = wib_day(Rating.created_at, dialect)
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    rows = await session.execute(
        select(rated_day, Rating.rating, func.count())
        .where(Rating.created_at >= since, Rating.created_at <= as_of)
        .group_by(rated_day, Rating.rating)
    )
    for found_day, rating, count in rows.all():
        if (n := slot(found_day)) is not None:
            totals[n][0] += int(count)
            totals[n][1] += int(rating) * int(count)
    rating_count = tuple(totals[n][0] if n in totals else 0 for n in range(weeks))
    rating_mean = tuple(
        round(totals[n][1] / totals[n][0], 2) if totals.get(n, [0])[0] else None
        for n in range(weeks)
    )

    attention = await _attention(session, as_of, soon)
    return Dashboard(
        as_of=as_of,
        weeks=week_list,
        volume={name: tuple(values) for name, values in volume.items()},
        resolved_on_time=tuple(on_time),
        resolved_late=tuple(late),
        open_overdue=int(counts[0]),
        open_due_soon=int(counts[1]),
        rating_count=rating_count,
        rating_mean=rating_mean,
        attention=attention,
    )


async def _attention(
    session: AsyncSession, as_of: datetime, soon: datetime
) -> tuple[AttentionCase, ...]:
    """The open cases due by `soon` (overdue ones included), earliest deadline first."""
    due = effective_due()
    rows = await session.execute(
        select(
            CaseRecord.register_number,
            CaseRecord.full_name,
            CaseRecord.category,
            CaseRecord.priority,
            CaseRecord.status,
            CaseRecord.officer,
            due,
        )
        .where(CaseRecord.status.in_(OPEN_STATUSES), due <= soon)
        .order_by(due, CaseRecord.id)
        .limit(ATTENTION_LIMIT)
    )
    return tuple(
        AttentionCase(
            register_number=number,
            full_name=name,
            category=_plain(category),
            priority=_plain(priority),
            status=_plain(status),
            officer=officer,
            due_at=due_at,
            overdue=due_at <= as_of,
        )
        for number, name, category, priority, status, officer, due_at in rows.all()
    )

"""The complaint-handling report of a period, aggregated in SQL (OJK's monthly/quarterly report).

Which cases a period covers
    The cases *received* in the period: `received_at` from 00:00 WIB on the period's first
    day up to (not including) 00:00 WIB on the day after its last day (see periods.py).
    That is the moment the complaint reached the institution, the same instant that puts
    the case's month in its register number; a complaint that arrives on Saturday
    30 September counts in September even though its working-day clock starts in October.
    Every figure below is about these cases, so each breakdown adds up to `received`,
    and a period's figures never mix in cases received in another period.

As of when
    Statuses are those at `as_of`, the moment the report is made (the API's clock). A
    report of a closed quarter made on the 10th of the next month therefore counts the
    cases resolved since the quarter ended: OJK asks how the period's complaints were
    handled. Making it again later can move cases from `open` to an outcome, never change
    `received` or any breakdown's `received`.

The figures
    - totals: received; open (`received`, `in_progress` or `waiting_documents` now);
      resolved, rejected, escalated (status now). open + resolved + rejected + escalated =
      received. `extended`: cases whose resolution deadline was extended (at most once).
    - by_status: the six statuses; rejected_by_ground: the three grounds.
    - resolution: the cases the institution resolved (`resolved_at` set, including those
      the customer escalated afterwards); `on_time` when resolved by the deadline in
      force (the extended one if extended), else `late`; `open_overdue`: open cases whose
      deadline in force has passed at `as_of`. `mean_working_days` and
      `p90_working_days`: working days from the receipt day to the WIB day of resolution
      (`resolution_working_days`, stored when the case is resolved). The 90th percentile
      is `percentile_cont(0.9)` on PostgreSQL; SQLite has no such function, so there the
      figure is interpolated the same way from the histogram of the stored whole numbers
      (GROUP BY), a few dozen rows whatever the number of cases.
    - breakdowns by category, product, channel, complainant type, priority, submission
      mode and complaint type: received, open, resolved, rejected, escalated per value
      (every known value is listed, with zeros; products outside the profile and a
      missing product are listed after the profile's).
    - ratings: ratings of chats given in the period (`ratings.created_at`), whether or not
      the chat led to a case; a chat rated more than once in the period counts once, with
      its last rating.
    - cases: the case list of OJK's APPK portal, oldest first: register (ticket) number,
      receipt time, consumer name, status, problem type (category), product type, and the
      working days left to the deadline in force (null once answered, negative overdue).

Every count is an SQL aggregate (COUNT ... FILTER, GROUP BY) over the period's cases, in
few round trips: one row for the totals, statuses, grounds and deadlines; the resolution
times; the ratings; the breakdowns (one GROUPING SETS scan on PostgreSQL, one GROUP BY per
dimension on SQLite); the case list. All queries of a report read one snapshot
(REPEATABLE READ on PostgreSQL). Before them, the resolved cases still without a stored
resolution time are looked up through a partial index (normally empty) and filled in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    DateTime,
    String,
    bindparam,
    func,
    select,
    text,
    type_coerce,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.repository import effective_due
from backend.db.tables import CaseRecord, Rating
from backend.domain.calendar import WorkingCalendar
from backend.domain.deadlines import remaining_working_days, working_days_taken
from backend.domain.handling import ANSWERED_STATUSES
from backend.domain.lifecycle import (
    Category,
    Channel,
    ComplainantType,
    ComplaintType,
    Priority,
    RejectionGround,
    Status,
    SubmissionMode,
)
from backend.domain.policy import InstitutionProfile
from backend.reports.percentiles import mean, percentile_cont
from backend.reports.periods import Period
from backend.schemas import format_wib

OPEN_STATUSES = tuple(status.value for status in Status if status not in ANSWERED_STATUSES)
RATING_VALUES = (1, 2, 3, 4, 5)
PERCENTILE = 0.9
SORT_WORK_MEM = "64MB"

# Dimension name → (column, its known values in display order; None: the profile's products).
DIMENSIONS: dict[str, tuple[Any, tuple[str, ...] | None]] = {
    "category": (CaseRecord.category, tuple(Category)),
    "product": (CaseRecord.product, None),
    "channel": (CaseRecord.channel, tuple(Channel)),
    "complainant_type": (CaseRecord.complainant_type, tuple(ComplainantType)),
    "priority": (CaseRecord.priority, tuple(Priority)),
    "submission_mode": (CaseRecord.submission_mode, tuple(SubmissionMode)),
    "complaint_type": (CaseRecord.complaint_type, tuple(ComplaintType)),
}


@dataclass(frozen=True)
class Outcomes:
    """How many cases were received, and how many are open, resolved, rejected or escalated."""

    received: int = 0
    open: int = 0
    resolved: int = 0
    rejected: int = 0
    escalated: int = 0


@dataclass(frozen=True)
class Totals(Outcomes):
    """The period's outcomes plus the extensions used."""

    extended: int = 0


@dataclass(frozen=True)
class BreakdownRow(Outcomes):
    """The outcomes of the cases with one value of a dimension (None: no value)."""

    value: str | None = None


@dataclass(frozen=True)
class Resolution:
    """Deadlines kept and missed, and how many working days resolutions took."""

    resolved: int
    on_time: int
    late: int
    open_overdue: int
    mean_working_days: float | None
    p90_working_days: float | None


@dataclass(frozen=True)
class Ratings:
    """The chats rated in the period: how many, the mean, and how many gave each of 1-5."""

    count: int
    mean: float | None
    distribution: dict[int, int]


class CaseLine(NamedTuple):
    """One case of the APPK-style case list (a tuple: 100,000 of them are built quickly)."""

    register_number: str
    received_at: datetime
    full_name: str
    status: str
    category: str
    product: str | None
    priority: str
    channel: str
    resolution_due_at: datetime
    remaining_working_days: int | None


@dataclass(frozen=True)
class Report:
    """Every figure of one period's report, as of `as_of`."""

    period: Period
    institution: str
    as_of: datetime
    totals: Totals
    by_status: dict[str, int]
    rejected_by_ground: dict[str, int]
    resolution: Resolution
    ratings: Ratings
    breakdowns: dict[str, tuple[BreakdownRow, ...]]
    cases: tuple[CaseLine, ...] = field(repr=False)

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON: times in WIB (+07:00), breakdowns as lists in display order."""
        return {
            "period": self.period.key,
            "kind": str(self.period.kind),
            "first_day": self.period.first_day.isoformat(),
            "last_day": self.period.last_day.isoformat(),
            "start": format_wib(self.period.start),
            "end": format_wib(self.period.end),
            "as_of": format_wib(self.as_of),
            "institution": self.institution,
            "totals": asdict(self.totals),
            "by_status": dict(self.by_status),
            "rejected_by_ground": dict(self.rejected_by_ground),
            "resolution": asdict(self.resolution),
            "ratings": {
                "count": self.ratings.count,
                "mean": self.ratings.mean,
                "distribution": {str(k): v for k, v in self.ratings.distribution.items()},
            },
            "breakdowns": {
                name: [_breakdown_json(row) for row in rows]
                for name, rows in self.breakdowns.items()
            },
            "cases": [_case_json(line) for line in self.cases],
        }


def _breakdown_json(row: BreakdownRow) -> dict[str, Any]:
    """A breakdown row with its value first."""
    return {"value": row.value, **{k: v for k, v in asdict(row).items() if k != "value"}}


def _case_json(line: CaseLine) -> dict[str, Any]:
    """A case-list line with WIB times (built by hand: `asdict` is slow on 100,000 lines)."""
    return {
        "register_number": line.register_number,
        "received_at": format_wib(line.received_at),
        "full_name": line.full_name,
        "status": line.status,
        "category": line.category,
        "product": line.product,
        "priority": line.priority,
        "channel": line.channel,
        "resolution_due_at": format_wib(line.resolution_due_at),
        "remaining_working_days": line.remaining_working_days,
    }


def in_period(period: Period) -> ColumnElement[bool]:
    """The cases received in the period."""
    return (CaseRecord.received_at >= period.start) & (CaseRecord.received_at < period.end)


def _count(*conditions: ColumnElement[bool]) -> Any:
    """COUNT(*), or COUNT(*) FILTER (WHERE conditions)."""
    return func.count().filter(*conditions) if conditions else func.count()


def _outcome_columns() -> list[Any]:
    """The aggregate columns of `Outcomes`, in its field order."""
    return [
        _count().label("received"),
        _count(CaseRecord.status.in_(OPEN_STATUSES)).label("open"),
        _count(CaseRecord.status == Status.RESOLVED).label("resolved"),
        _count(CaseRecord.status == Status.REJECTED).label("rejected"),
        _count(CaseRecord.status == Status.ESCALATED).label("escalated"),
    ]


async def build_report(
    session: AsyncSession,
    period: Period,
    *,
    profile: InstitutionProfile,
    calendar: WorkingCalendar,
    as_of: datetime,
) -> Report:
    """The report of `period` as of `as_of`; fills in missing resolution durations first."""
    await fill_resolution_working_days(session, period, calendar)
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        # The case list's ORDER BY sorts ~100,000 rows: in memory rather than on disk.
        await session.execute(text(f"SET LOCAL work_mem = '{SORT_WORK_MEM}'"))
    try:
        totals, resolution, by_status, rejected_by_ground = await _totals_and_resolution(
            session, period, as_of
        )
        report = Report(
            period=period,
            institution=profile.name,
            as_of=as_of,
            totals=totals,
            by_status=by_status,
            rejected_by_ground=rejected_by_ground,
            resolution=resolution,
            ratings=await _ratings(session, period),
            breakdowns=await _breakdowns(session, period, profile, postgres=postgres),
            cases=await _case_list(session, period, calendar, as_of, postgres=postgres),
        )
    finally:
        await session.rollback()
    return report


async def fill_resolution_working_days(
    session: AsyncSession, period: Period, calendar: WorkingCalendar
) -> int:
    """Store the resolution time of the period's resolved cases that lack it; how many."""
    missing = (
        await session.execute(
            select(CaseRecord.id, CaseRecord.received_at, CaseRecord.resolved_at).where(
                in_period(period),
                CaseRecord.resolved_at.is_not(None),
                CaseRecord.resolution_working_days.is_(None),
            )
        )
    ).all()
    if missing:
        table = CaseRecord.__table__
        await session.execute(
            update(table)
            .where(table.c.id == bindparam("case_id"))
            .values(resolution_working_days=bindparam("days"), updated_at=table.c.updated_at),
            [
                {"case_id": case_id, "days": working_days_taken(received, resolved, calendar)}
                for case_id, received, resolved in missing
            ],
        )
    await session.commit()
    return len(missing)


async def _totals_and_resolution(
    session: AsyncSession, period: Period, as_of: datetime
) -> tuple[Totals, Resolution, dict[str, int], dict[str, int]]:
    """The totals, the deadline figures, the cases per status and per rejection ground.

    One aggregate row: a COUNT ... FILTER per figure, every status and ground listed.
    """
    due = effective_due()
    resolved = CaseRecord.resolved_at.is_not(None)
    rejected = CaseRecord.status == Status.REJECTED
    row = (
        await session.execute(
            select(
                *_outcome_columns(),
                _count(CaseRecord.extended_resolution_due_at.is_not(None)).label("extended"),
                _count(resolved).label("with_resolution"),
                _count(resolved, CaseRecord.resolved_at <= due).label("on_time"),
                _count(resolved, CaseRecord.resolved_at > due).label("late"),
                _count(CaseRecord.status.in_(OPEN_STATUSES), due <= as_of).label("overdue"),
                *(
                    _count(CaseRecord.status == status).label(f"status_{status.value}")
                    for status in Status
                ),
                *(
                    _count(rejected, CaseRecord.rejection_ground == ground).label(
                        f"ground_{ground.value}"
                    )
                    for ground in RejectionGround
                ),
            ).where(in_period(period))
        )
    ).one()
    figures = row._mapping
    totals = Totals(**{name: int(figures[name]) for name in Totals.__dataclass_fields__})
    by_status = {status.value: int(figures[f"status_{status.value}"]) for status in Status}
    by_ground = {ground.value: int(figures[f"ground_{ground.value}"]) for ground in RejectionGround}
    average, p90 = await _resolution_time(session, period)
    resolution = Resolution(
        resolved=int(row.with_resolution),
        on_time=int(row.on_time),
        late=int(row.late),
        open_overdue=int(row.overdue),
        mean_working_days=average,
        p90_working_days=p90,
    )
    return totals, resolution, by_status, by_ground


async def _resolution_time(
    session: AsyncSession, period: Period
) -> tuple[float | None, float | None]:
    """Mean and 90th percentile of the stored resolution times of the period's cases."""
    days = CaseRecord.resolution_working_days
    conditions = (in_period(period), CaseRecord.resolved_at.is_not(None), days.is_not(None))
    if session.get_bind().dialect.name == "postgresql":
        row = (
            await session.execute(
                select(func.avg(days), func.percentile_cont(PERCENTILE).within_group(days)).where(
                    *conditions
                )
            )
        ).one()
        return _float(row[0]), _float(row[1])
    histogram = {
        int(value): int(count)
        for value, count in (
            await session.execute(select(days, _count()).where(*conditions).group_by(days))
        ).all()
    }
    return mean(histogram), percentile_cont(histogram, PERCENTILE)


def _float(value: Any) -> float | None:
    """A number from the database (PostgreSQL's AVG gives a Decimal) as a float."""
    return None if value is None else float(value)


def _plain(value: Any) -> Any:
    """A StrEnum read from the database as its plain string value; other values as they are."""
    return value.value if isinstance(value, StrEnum) else value


async def _breakdowns(
    session: AsyncSession, period: Period, profile: InstitutionProfile, *, postgres: bool
) -> dict[str, tuple[BreakdownRow, ...]]:
    """The outcomes per value of every dimension.

    PostgreSQL counts them all in one scan (GROUPING SETS, one set per dimension; the
    GROUPING() bit mask tells each row's dimension); SQLite has no grouping sets, so there
    each dimension is one GROUP BY.
    """
    columns = [column for column, _ in DIMENSIONS.values()]
    found: dict[str, dict[Any, BreakdownRow]] = {name: {} for name in DIMENSIONS}
    if postgres:
        rows = await session.execute(
            select(func.grouping(*columns), *columns, *_outcome_columns())
            .where(in_period(period))
            .group_by(func.grouping_sets(*columns))
        )
        every = (1 << len(columns)) - 1
        dimension_of_mask = {every ^ (1 << (len(columns) - 1 - n)): n for n in range(len(columns))}
        names = list(DIMENSIONS)
        for row in rows.all():
            n = dimension_of_mask[row[0]]
            value = _plain(row[1 + n])
            found[names[n]][value] = BreakdownRow(value=value, **_outcome_fields(row))
    else:
        for name, column in zip(DIMENSIONS, columns, strict=True):
            rows = await session.execute(
                select(column, *_outcome_columns()).where(in_period(period)).group_by(column)
            )
            for row in rows.all():
                value = _plain(row[0])
                found[name][value] = BreakdownRow(value=value, **_outcome_fields(row))
    return {
        name: _in_display_order(found[name], known or profile.products)
        for name, (_, known) in DIMENSIONS.items()
    }


def _in_display_order(
    found: dict[Any, BreakdownRow], known: Iterable[str]
) -> tuple[BreakdownRow, ...]:
    """Known values first (zeros included), then the others sorted, then no value."""
    ordered = [str(value) for value in known]
    others = sorted(value for value in found if value is not None and value not in ordered)
    values: list[str | None] = [*ordered, *others]
    if None in found:
        values.append(None)
    return tuple(found.get(value) or BreakdownRow(value=value) for value in values)


def _outcome_fields(row: Any) -> dict[str, int]:
    """The `Outcomes` fields of an aggregate row."""
    return {name: int(row._mapping[name]) for name in Outcomes.__dataclass_fields__}


async def _ratings(session: AsyncSession, period: Period) -> Ratings:
    """The last rating of each chat rated in the period, counted per value 1-5."""
    last_of_each_chat = (
        select(func.max(Rating.id))
        .where(Rating.created_at >= period.start, Rating.created_at < period.end)
        .group_by(Rating.conversation_id)
    )
    rows = await session.execute(
        select(Rating.rating, _count())
        .where(Rating.id.in_(last_of_each_chat))
        .group_by(Rating.rating)
    )
    found = {int(value): int(count) for value, count in rows.all()}
    distribution = {value: int(found.get(value, 0)) for value in RATING_VALUES}
    return Ratings(
        count=sum(distribution.values()), mean=mean(distribution), distribution=distribution
    )


async def _case_list(
    session: AsyncSession,
    period: Period,
    calendar: WorkingCalendar,
    as_of: datetime,
    *,
    postgres: bool,
) -> tuple[CaseLine, ...]:
    """The period's cases, oldest first, with the working days left to their deadline."""
    # Plain Core rows with the enum columns read as text: no ORM or enum work per row. On
    # PostgreSQL asyncpg gives the times as aware UTC datetimes already, so they skip the
    # UTCDateTime conversion (200,000 calls at 100,000 cases).
    moment = _aware if postgres else (lambda column: column)
    connection = await session.connection()
    rows = await connection.execute(
        select(
            CaseRecord.register_number,
            moment(CaseRecord.received_at),
            CaseRecord.full_name,
            _text(CaseRecord.status),
            _text(CaseRecord.category),
            CaseRecord.product,
            _text(CaseRecord.priority),
            _text(CaseRecord.channel),
            moment(effective_due()),
        )
        .where(in_period(period))
        .order_by(CaseRecord.received_at, CaseRecord.id)
    )
    remaining = _RemainingDays(calendar, as_of)
    # Row by row: each row is let go as its line is built (cheaper than fetching them all).
    return tuple(
        CaseLine(*row, remaining(row[3], row[8]))  # type: ignore[call-arg]
        for row in rows
    )


def _aware(column: Any) -> Any:
    """A timestamp column read as the driver gives it (asyncpg: an aware UTC datetime)."""
    return type_coerce(column, DateTime(timezone=True))


def _text(column: Any) -> Any:
    """`column` read as the plain string it holds."""
    return type_coerce(column, String())


class _RemainingDays:
    """`remaining_working_days` at one moment, computed once per distinct deadline."""

    def __init__(self, calendar: WorkingCalendar, as_of: datetime) -> None:
        self.calendar = calendar
        self.as_of = as_of
        self.known: dict[datetime, int] = {}

    def __call__(self, status: str, due: datetime) -> int | None:
        if status not in OPEN_STATUSES:
            return None
        if due not in self.known:
            self.known[due] = remaining_working_days(due, self.as_of, self.calendar)
        return self.known[due]

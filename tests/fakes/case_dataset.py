"""A reproducible set of cases over 2026-Q2 and 2026-Q3, and the report figures it must give.

The rows go straight into the tables (bulk INSERT). The expected figures are computed
here in plain Python from those rows, with their own period bounds and their own
working-day count (the `holidays` package directly), never with the report's code. The
domain's deadline functions only shape the input (deadlines, extensions) and give the
case list's remaining working days, as the case API shows them.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import holidays
from sqlalchemy import insert, text

from backend.db.engine import Database
from backend.db.tables import CaseRecord, Complainant, Conversation, Rating
from backend.domain.calendar import WIB, WorkingCalendar
from backend.domain.deadlines import case_deadlines, extend_deadline, remaining_working_days
from backend.domain.lifecycle import (
    Category,
    Channel,
    ComplainantType,
    ComplaintType,
    Priority,
    RejectionGround,
    Status,
)
from backend.domain.policy import InstitutionProfile
from backend.domain.register_number import make_register_number
from backend.institutions import load_profile

UTC_OFFSET_OF_WIB = timedelta(hours=7)
SPAN_START = datetime(2026, 4, 1, tzinfo=WIB)  # 2026-Q2 and 2026-Q3
SPAN_END = datetime(2026, 10, 1, tzinfo=WIB)
# The moment the reports are made: the Q3 report is due by 10 October.
AS_OF = datetime(2026, 10, 9, 10, 0, tzinfo=WIB)
OPEN = ("received", "in_progress", "waiting_documents")
OUTCOMES = ("open", "resolved", "rejected", "escalated_after_resolution", "escalated")
OUTCOME_WEIGHTS = (18, 62, 8, 4, 8)
LEGACY_PRODUCT = "Produk lama"  # a product the profile no longer lists
CHANNEL_WEIGHTS = {
    Channel.WEB: 25,
    Channel.TELEGRAM: 10,
    Channel.WHATSAPP: 30,
    Channel.REST: 2,
    Channel.PHONE: 15,
    Channel.LETTER: 3,
    Channel.EMAIL: 10,
    Channel.WALK_IN: 5,
}
DIMENSIONS = (
    "category",
    "product",
    "channel",
    "complainant_type",
    "priority",
    "submission_mode",
    "complaint_type",
)


def public_holidays() -> holidays.HolidayBase:
    """Indonesia's national holidays of 2026 and 2027 (no cuti bersama, as the profile says)."""
    return holidays.country_holidays(
        "ID", years=(2026, 2027), categories=("public",), language="en_US"
    )


HOLIDAYS = public_holidays()


def is_working(day: date) -> bool:
    return day.weekday() < 5 and day not in HOLIDAYS


def next_working(day: date) -> date:
    day += timedelta(days=1)
    while not is_working(day):
        day += timedelta(days=1)
    return day


def day_received(moment: datetime) -> date:
    """The working day a complaint counts from: its WIB day before 17:00, else the next."""
    local = moment.astimezone(WIB)
    if is_working(local.date()) and local.time() < time(17):
        return local.date()
    return next_working(local.date())


def working_days_between(received_at: datetime, resolved_at: datetime) -> int:
    """Working days after the receipt day up to the WIB day of resolution."""
    start, last = day_received(received_at), resolved_at.astimezone(WIB).date()
    return sum(
        1
        for offset in range(1, (last - start).days + 1)
        if is_working(start + timedelta(days=offset))
    )


def period_bounds(key: str) -> tuple[datetime, datetime]:
    """The UTC instants that open and close a month `YYYY-MM` or quarter `YYYY-Qn` in WIB."""
    year, part = key.split("-")
    if part.startswith("Q"):
        first, months = 3 * int(part[1]) - 2, 3
    else:
        first, months = int(part), 1
    after_year, after_month = divmod(first - 1 + months, 12)
    start = datetime(int(year), first, 1, tzinfo=UTC) - UTC_OFFSET_OF_WIB
    end = datetime(int(year) + after_year, after_month + 1, 1, tzinfo=UTC) - UTC_OFFSET_OF_WIB
    return start, end


def percentile_90(values: list[int]) -> float | None:
    """The 90th percentile with linear interpolation between closest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    position = 0.9 * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass
class CaseDataset:
    """Generated rows of complainants, cases, conversations and ratings."""

    profile: InstitutionProfile
    complainants: list[dict[str, Any]] = field(default_factory=list)
    cases: list[dict[str, Any]] = field(default_factory=list)
    conversations: list[dict[str, Any]] = field(default_factory=list)
    ratings: list[dict[str, Any]] = field(default_factory=list)

    async def seed(self, db: Database, chunk: int = 5_000) -> None:
        """Insert every row, in bulk, in chunks; keeps PostgreSQL's id sequences ahead."""
        convs = Conversation.__table__
        async with db.engine.begin() as connection:
            for table, rows in (
                (Complainant.__table__, self.complainants),
                (CaseRecord.__table__, self.cases),
                (Conversation.__table__, self.conversations),
                (Rating.__table__, self.ratings),
            ):
                for begin in range(0, len(rows), chunk):
                    await connection.execute(insert(table), rows[begin : begin + chunk])
                if rows and connection.dialect.name == "postgresql" and table is not convs:
                    await connection.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"(SELECT max(id) FROM {table.name}))"
                        )
                    )

    def cases_of(self, key: str) -> list[dict[str, Any]]:
        """The cases received in the period `key`, by the WIB bounds computed here."""
        start, end = period_bounds(key)
        return [case for case in self.cases if start <= case["received_at"] < end]

    def expected(self, key: str, as_of: datetime = AS_OF) -> dict[str, Any]:
        """Every figure the report of period `key` must show, as of `as_of`."""
        cases = self.cases_of(key)
        statuses = Counter(case["status"] for case in cases)
        resolved = [case for case in cases if case["resolved_at"] is not None]
        days = [working_days_between(c["received_at"], c["resolved_at"]) for c in resolved]
        open_cases = [case for case in cases if case["status"] in OPEN]
        return {
            "totals": {
                "received": len(cases),
                "open": sum(statuses[status] for status in OPEN),
                "resolved": statuses["resolved"],
                "rejected": statuses["rejected"],
                "escalated": statuses["escalated"],
                "extended": sum(1 for c in cases if c["extended_resolution_due_at"]),
            },
            "by_status": {status.value: statuses[status.value] for status in Status},
            "rejected_by_ground": {
                ground.value: sum(
                    1
                    for c in cases
                    if c["status"] == "rejected" and c["rejection_ground"] == ground.value
                )
                for ground in RejectionGround
            },
            "resolution": {
                "resolved": len(resolved),
                "on_time": sum(1 for c in resolved if c["resolved_at"] <= due_in_force(c)),
                "late": sum(1 for c in resolved if c["resolved_at"] > due_in_force(c)),
                "open_overdue": sum(1 for c in open_cases if due_in_force(c) <= as_of),
                "mean_working_days": sum(days) / len(days) if days else None,
                "p90_working_days": percentile_90(days),
            },
            "ratings": self._expected_ratings(key),
            "breakdowns": {name: self._breakdown(cases, name) for name in DIMENSIONS},
            "cases": self._case_list(cases, as_of),
        }

    def _expected_ratings(self, key: str) -> dict[str, Any]:
        start, end = period_bounds(key)
        last: dict[str, int] = {}
        for rating in sorted(self.ratings, key=lambda r: r["id"]):
            if start <= rating["created_at"] < end:
                last[rating["conversation_id"]] = rating["rating"]
        counts = Counter(last.values())
        given = list(last.values())
        return {
            "count": len(given),
            "mean": sum(given) / len(given) if given else None,
            "distribution": {str(value): counts[value] for value in range(1, 6)},
        }

    def _breakdown(self, cases: list[dict[str, Any]], name: str) -> dict[Any, dict[str, int]]:
        rows: dict[Any, Counter[str]] = {}
        for case in cases:
            row = rows.setdefault(case[name], Counter())
            row["received"] += 1
            outcome = "open" if case["status"] in OPEN else case["status"]
            row[outcome] += 1
        measures = ("received", "open", "resolved", "rejected", "escalated")
        return {value: {m: row[m] for m in measures} for value, row in rows.items()}

    def _case_list(self, cases: list[dict[str, Any]], as_of: datetime) -> list[dict[str, Any]]:
        calendar = WorkingCalendar(cuti_bersama=self.profile.cuti_bersama_counts)
        ordered = sorted(cases, key=lambda c: (c["received_at"], c["id"]))
        return [
            {
                "register_number": c["register_number"],
                "received_at": c["received_at"],
                "full_name": c["full_name"],
                "status": c["status"],
                "category": c["category"],
                "product": c["product"],
                "priority": c["priority"],
                "channel": c["channel"],
                "resolution_due_at": due_in_force(c),
                "remaining_working_days": (
                    remaining_working_days(due_in_force(c), as_of, calendar)
                    if c["status"] in OPEN
                    else None
                ),
            }
            for c in ordered
        ]


def due_in_force(case: dict[str, Any]) -> datetime:
    return case["extended_resolution_due_at"] or case["resolution_due_at"]


class _Generator:
    """Draws the rows of a dataset from one seeded random source."""

    def __init__(self, profile: InstitutionProfile, seed: int) -> None:
        self.rng = random.Random(seed)
        self.profile = profile
        self.calendar = WorkingCalendar(cuti_bersama=profile.cuti_bersama_counts)
        self.dataset = CaseDataset(profile)
        self.sequences: Counter[str] = Counter()

    def run(self, count: int, *, start: datetime, end: datetime) -> CaseDataset:
        complainants = max(1, count // 3)
        self.dataset.complainants = [
            {
                "id": number,
                "full_name": self._name(number),
                "phone": f"+62812{number:08d}",
                "email": None,
                "created_at": start,
                "updated_at": start,
            }
            for number in range(1, complainants + 1)
        ]
        for moment in self._receipt_times(count, start, end):
            self._add_case(moment, self.rng.randint(1, complainants))
        self._add_ratings(max(1, count // 4), start, end)
        return self.dataset

    def _receipt_times(self, count: int, start: datetime, end: datetime) -> list[datetime]:
        """Moments of receipt: WIB midnights at month ends, holidays, outside the span, random."""
        moments: list[datetime] = []
        month = start
        while month <= end:
            for shift in (-3600, -1, 0, 1, 1800):
                moments.append(month + timedelta(seconds=shift))
            month = (month + timedelta(days=32)).replace(day=1)
        for day in sorted(HOLIDAYS):
            if start.date() <= day < end.date():
                moments.append(datetime.combine(day, time(10, 30), tzinfo=WIB))
        moments += [start - timedelta(days=self.rng.randint(1, 20)) for _ in range(count // 100)]
        last = min(end + timedelta(days=8), AS_OF - timedelta(days=1))
        moments += [last - timedelta(hours=self.rng.randint(1, 150)) for _ in range(count // 100)]
        seconds = int((end - start).total_seconds())
        while len(moments) < count:
            moments.append(start + timedelta(seconds=self.rng.randrange(seconds)))
        return [moment.astimezone(UTC) for moment in moments[:count]]

    def _add_case(self, received_at: datetime, complainant_id: int) -> None:
        rng = self.rng
        channel = rng.choices(list(CHANNEL_WEIGHTS), weights=list(CHANNEL_WEIGHTS.values()))[0]
        mode = self.profile.submission_mode(channel)
        deadlines = case_deadlines(received_at, mode, self.profile, self.calendar)
        reporter = rng.random() < 0.15
        month = received_at.astimezone(WIB).strftime("%Y-%m")
        self.sequences[month] += 1
        case: dict[str, Any] = {
            "id": len(self.dataset.cases) + 1,
            "register_number": make_register_number(
                self.profile.register_prefix, received_at, self.sequences[month]
            ),
            "idempotency_key": None,
            "status": "received",
            "complainant_type": (
                ComplainantType.REPORTER if reporter else ComplainantType.USER
            ).value,
            "user_role": None if reporter else rng.choice(self.profile.roles),
            "complaint_type": rng.choices(list(ComplaintType), weights=(10, 5, 85))[0].value,
            "category": rng.choices(list(Category), weights=(40, 15, 10, 8, 10, 5, 4, 3, 3, 2))[
                0
            ].value,
            "priority": rng.choices(list(Priority), weights=(20, 50, 25, 5))[0].value,
            "full_name": self._name(complainant_id),
            "phone": f"+62812{complainant_id:08d}",
            "email": None,
            "description": "Keluhan tentang penagihan.",
            "product": rng.choices(
                [*self.profile.products, LEGACY_PRODUCT, None],
                weights=[*([20] * len(self.profile.products)), 2, 5],
            )[0],
            "officer": None,
            "channel": channel.value,
            "submission_mode": mode,
            "received_at": received_at,
            "first_response_due_at": deadlines.first_response_due_at,
            "resolution_due_at": deadlines.resolution_due_at,
            "conversation_id": None,
            "complainant_id": complainant_id,
            "extended_resolution_due_at": None,
            "extension_notice": None,
            "extension_sent_at": None,
            "resolution_response": None,
            "resolved_at": None,
            "resolution_working_days": None,
            "facilitation_window_ends_at": None,
            "rejection_ground": None,
            "rejection_reason": None,
            "rejected_at": None,
            "requested_documents": None,
            "documents_requested_at": None,
            "documents_due_at": None,
            "created_at": received_at,
            "updated_at": received_at,
        }
        if mode == "written" and rng.random() < 0.2:
            case["extended_resolution_due_at"] = extend_deadline(
                deadlines.resolution_due_at, self.profile.extension_days, self.calendar
            )
            case["extension_notice"] = "Penanganan diperpanjang 10 hari kerja."
            case["extension_sent_at"] = deadlines.resolution_due_at - timedelta(days=1)
        self._decide_outcome(case)
        self.dataset.cases.append(case)

    def _decide_outcome(self, case: dict[str, Any]) -> None:
        rng = self.rng
        outcome = rng.choices(OUTCOMES, weights=OUTCOME_WEIGHTS)[0]
        if outcome in ("resolved", "escalated_after_resolution"):
            resolved_at = self._answer_time(case["received_at"])
            if resolved_at is None:
                outcome = "open"
            else:
                case["resolved_at"] = resolved_at
                case["resolution_response"] = "Dana telah dikembalikan."
                if rng.random() < 0.75:  # the rest were resolved before the column existed
                    case["resolution_working_days"] = working_days_between(
                        case["received_at"], resolved_at
                    )
                case["status"] = "resolved" if outcome == "resolved" else "escalated"
                return
        if outcome == "rejected":
            case["rejected_at"] = self._answer_time(case["received_at"])
            if case["rejected_at"] is not None:
                case["status"] = "rejected"
                case["rejection_ground"] = rng.choice(list(RejectionGround)).value
                case["rejection_reason"] = "Alasan tertulis."
                return
            outcome = "open"
        if outcome == "escalated":
            case["status"] = "escalated"
            return
        case["status"] = rng.choice(OPEN)

    def _answer_time(self, received_at: datetime) -> datetime | None:
        """A moment of response after receipt, mostly in office hours; None after AS_OF."""
        rng = self.rng
        day = day_received(received_at)
        for _ in range(rng.choices(range(26), weights=[3, *[8] * 10, *[2] * 15])[0]):
            day = next_working(day)
        if rng.random() < 0.05:
            day += timedelta(days=1)  # now and then an answer on an evening or a day off
        clock = time(rng.randint(8, 19), rng.randrange(60), rng.randrange(60))
        moment = max(datetime.combine(day, clock, tzinfo=WIB), received_at + timedelta(hours=1))
        return moment.astimezone(UTC) if moment <= AS_OF else None

    def _add_ratings(self, chats: int, start: datetime, end: datetime) -> None:
        rng = self.rng
        seconds = int((end - start).total_seconds())
        for number in range(1, chats + 1):
            conversation_id = f"chat-{number}"
            first = start + timedelta(seconds=rng.randrange(seconds))
            if number % 50 == 0:  # a chat rated just before the span
                first = start - timedelta(hours=2)
            given = [first]
            if rng.random() < 0.2:  # rated again, sometimes in the next period
                given.append(first + timedelta(days=rng.randint(0, 20), hours=1))
            for moment in given:
                if moment > AS_OF:
                    continue
                self.dataset.ratings.append(
                    {
                        "id": len(self.dataset.ratings) + 1,
                        "conversation_id": conversation_id,
                        "rating": rng.choices(range(1, 6), weights=(5, 5, 15, 35, 40))[0],
                        "created_at": moment.astimezone(UTC),
                    }
                )
            self.dataset.conversations.append(
                {
                    "id": conversation_id,
                    "channel": "web",
                    "handled_by": "bot",
                    "rating": self.dataset.ratings[-1]["rating"],
                    "language": "id",
                    "created_at": first.astimezone(UTC),
                    "updated_at": given[-1].astimezone(UTC),
                }
            )

    def _name(self, number: int) -> str:
        first = ("Siti", "Budi", "Dewi", "Agus", "Rina", "Ahmad", "Putri", "Yusuf", "Ani", "Eko")
        last = ("Rahayu", "Santoso", "Lestari", "Wijaya", "Hidayat", "Saputra", "Nugroho")
        return f"{first[number % len(first)]} {last[number // len(first) % len(last)]}"


def generate(
    count: int,
    *,
    seed: int = 7,
    profile: InstitutionProfile | None = None,
    start: datetime = SPAN_START,
    end: datetime = SPAN_END,
) -> CaseDataset:
    """`count` cases received mostly from `start` to `end`, some just outside, with ratings."""
    return _Generator(profile or load_profile("kreditpro"), seed).run(count, start=start, end=end)

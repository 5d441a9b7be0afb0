"""The OJK report against a generated dataset over two quarters, on SQLite and PostgreSQL.

The dataset (2,500 cases, holidays and WIB-midnight edges included) is seeded once per
database; each report is built once per database and period, and every test compares
one kind of figure with what the generator computed on its own.
"""

from __future__ import annotations

import asyncio
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from backend import services
from backend.cli import main
from backend.db.engine import Database
from backend.db.migrate import upgrade
from backend.db.tables import CaseRecord
from backend.domain.calendar import WIB, WorkingCalendar
from backend.reports.build import Report, build_report, in_period
from backend.reports.export import to_xlsx
from backend.reports.periods import parse_period
from backend.schemas import CaseCreate
from tests.conftest import POSTGRES_ADMIN_URL, _admin, unavailable
from tests.fakes.case_dataset import (
    AS_OF,
    CaseDataset,
    generate,
    period_bounds,
    working_days_between,
)
from tests.integration.backend.report_support import (
    MEASURES,
    assert_summary_matches,
    breakdown_of,
    json_case,
    parse_xlsx,
)
from tests.integration.backend.support import PROFILE, case_body

CASES = 2_500
PERIODS = ("2026-Q2", "2026-Q3", "2026-06", "2026-07")
CALENDAR = WorkingCalendar()
OPEN = ("received", "in_progress", "waiting_documents")


@dataclass(frozen=True)
class Built:
    """A report as built, as JSON, and the figures the dataset expects of it."""

    report: Report
    json: dict[str, Any]
    expected: dict[str, Any]


@pytest.fixture(scope="module")
def dataset() -> CaseDataset:
    return generate(CASES)


async def _seed(url: str, dataset: CaseDataset) -> None:
    database = Database(url)
    try:
        await dataset.seed(database)
    finally:
        await database.dispose()


@pytest.fixture(
    scope="module",
    params=[pytest.param("sqlite"), pytest.param("postgres", marks=pytest.mark.postgres)],
)
def seeded_url(
    request: pytest.FixtureRequest, dataset: CaseDataset, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A database of this module holding the dataset: a SQLite file, or a PostgreSQL database."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("reports") / "reports.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite+aiosqlite:///{path}"
        asyncio.run(_seed(url, dataset))
        yield url
        return
    name = f"aduan_reports_{secrets.token_hex(4)}"
    try:
        asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    except (OSError, SQLAlchemyError) as exc:
        unavailable(f"PostgreSQL is not available at {POSTGRES_ADMIN_URL}: {exc}")
    url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        asyncio.run(_seed(url, dataset))
        yield url
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _build(url: str, key: str, dataset: CaseDataset) -> Report:
    database = Database(url)
    try:
        async with database.session() as session:
            return await build_report(
                session, parse_period(key), profile=dataset.profile, calendar=CALENDAR, as_of=AS_OF
            )
    finally:
        await database.dispose()


@pytest.fixture(scope="module", params=PERIODS)
def built(request: pytest.FixtureRequest, seeded_url: str, dataset: CaseDataset) -> Built:
    report = asyncio.run(_build(seeded_url, request.param, dataset))
    return Built(report, report.as_dict(), dataset.expected(request.param))


def test_the_dataset_reaches_over_both_quarters_and_beyond(dataset: CaseDataset) -> None:
    in_span = sum(len(dataset.cases_of(key)) for key in ("2026-Q2", "2026-Q3"))

    assert 0 < in_span < len(dataset.cases) == CASES
    assert len(dataset.cases_of("2026-Q2")) > 1_000
    assert len(dataset.cases_of("2026-Q3")) > 1_000


def test_received_counts_the_cases_received_in_the_period(built: Built) -> None:
    assert built.json["totals"]["received"] == built.expected["totals"]["received"] > 0


def test_open_resolved_rejected_and_escalated_add_up_to_received(built: Built) -> None:
    totals = built.json["totals"]

    assert totals == built.expected["totals"]
    assert sum(totals[name] for name in MEASURES[1:]) == totals["received"]


def test_every_status_is_counted(built: Built) -> None:
    assert built.json["by_status"] == built.expected["by_status"]
    assert sum(built.json["by_status"].values()) == built.json["totals"]["received"]


def test_rejections_are_counted_by_ground(built: Built) -> None:
    grounds = built.json["rejected_by_ground"]

    assert grounds == built.expected["rejected_by_ground"]
    assert sum(grounds.values()) == built.json["totals"]["rejected"]


def test_extensions_used_are_counted(built: Built) -> None:
    assert built.json["totals"]["extended"] == built.expected["totals"]["extended"] > 0


def test_resolutions_are_on_time_or_late_against_the_deadline_in_force(built: Built) -> None:
    resolution, expected = built.json["resolution"], built.expected["resolution"]

    assert (resolution["on_time"], resolution["late"]) == (expected["on_time"], expected["late"])
    assert resolution["on_time"] + resolution["late"] == resolution["resolved"]
    assert resolution["resolved"] == expected["resolved"] > built.json["totals"]["resolved"]


def test_open_cases_past_their_deadline_at_the_report_time_are_overdue(built: Built) -> None:
    overdue = built.json["resolution"]["open_overdue"]

    assert overdue == built.expected["resolution"]["open_overdue"]
    assert overdue <= built.json["totals"]["open"]


def test_mean_and_90th_percentile_resolution_times_are_in_working_days(built: Built) -> None:
    resolution, expected = built.json["resolution"], built.expected["resolution"]

    assert resolution["mean_working_days"] == pytest.approx(expected["mean_working_days"])
    assert resolution["p90_working_days"] == pytest.approx(expected["p90_working_days"])


def test_ratings_count_the_last_rating_of_each_chat_rated_in_the_period(built: Built) -> None:
    ratings, expected = built.json["ratings"], built.expected["ratings"]

    assert ratings["distribution"] == expected["distribution"]
    assert ratings["count"] == expected["count"] == sum(ratings["distribution"].values())
    assert ratings["mean"] == pytest.approx(expected["mean"])


@pytest.mark.parametrize(
    "dimension",
    [
        "category",
        "product",
        "channel",
        "complainant_type",
        "priority",
        "submission_mode",
        "complaint_type",
    ],
)
def test_each_breakdown_matches_the_cases_of_each_value_and_adds_up(
    built: Built, dimension: str
) -> None:
    rows = built.json["breakdowns"][dimension]

    assert breakdown_of(rows) == built.expected["breakdowns"][dimension]
    for measure in MEASURES:
        assert sum(row[measure] for row in rows) == built.json["totals"][measure]


def test_a_breakdown_lists_every_known_value_even_without_cases(
    built: Built, dataset: CaseDataset
) -> None:
    products = [row["value"] for row in built.json["breakdowns"]["product"]]
    categories = [row["value"] for row in built.json["breakdowns"]["category"]]

    assert products[:-2] == list(dataset.profile.products)
    assert products[-2:] == ["Produk lama", None]
    assert len(categories) == 10


def test_the_case_list_shows_every_case_oldest_first_with_its_remaining_days(
    built: Built,
) -> None:
    cases = built.json["cases"]

    assert cases == [json_case(case) for case in built.expected["cases"]]
    assert any(case["remaining_working_days"] is not None for case in cases)
    assert all(
        (case["remaining_working_days"] is None) == (case["status"] not in OPEN) for case in cases
    )


def test_cases_at_the_edges_fall_in_the_period_by_wib_midnight(
    built: Built, dataset: CaseDataset
) -> None:
    start, end = period_bounds(built.report.period.key)
    numbers = {case["register_number"] for case in built.json["cases"]}
    second = timedelta(seconds=1)

    def received(moment: datetime) -> set[str]:
        found = {c["register_number"] for c in dataset.cases if c["received_at"] == moment}
        assert found, moment
        return found

    assert received(start) <= numbers
    assert received(end - second) <= numbers
    assert not received(start - second) & numbers
    assert not received(end) & numbers


async def _stored_days(url: str, key: str) -> list[tuple[datetime, datetime, int | None]]:
    database = Database(url)
    try:
        async with database.session() as session:
            rows = await session.execute(
                select(
                    CaseRecord.received_at,
                    CaseRecord.resolved_at,
                    CaseRecord.resolution_working_days,
                ).where(in_period(parse_period(key)), CaseRecord.resolved_at.is_not(None))
            )
            return [tuple(row) for row in rows.all()]
    finally:
        await database.dispose()


def test_the_report_stores_the_resolution_time_of_cases_resolved_before_it_was_kept(
    seeded_url: str, dataset: CaseDataset
) -> None:
    missing_before = [
        c
        for c in dataset.cases_of("2026-Q2")
        if c["resolved_at"] and not c["resolution_working_days"]
    ]
    asyncio.run(_build(seeded_url, "2026-Q2", dataset))

    stored = asyncio.run(_stored_days(seeded_url, "2026-Q2"))
    assert missing_before
    assert stored
    assert [days for _, _, days in stored] == [
        working_days_between(received, resolved) for received, resolved, _ in stored
    ]


def test_the_cli_writes_the_quarterly_report_as_a_workbook(
    seeded_url: str, dataset: CaseDataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", seeded_url)
    monkeypatch.setenv("APP_API_TOKEN", "cli-test-token-" + secrets.token_hex(8))
    monkeypatch.setenv("RASA_AUTH_TOKEN", "cli-test-token-" + secrets.token_hex(8))
    monkeypatch.setenv("INSTITUTION", "kreditpro")
    out = tmp_path / "q3.xlsx"

    assert main(["report", "2026-Q3", "--format", "xlsx", "--out", str(out)]) == 0

    summary, cases = parse_xlsx(out.read_bytes())
    expected = dataset.expected("2026-Q3")
    assert summary["period"] == "2026-Q3"
    for name, value in expected["totals"].items():
        assert summary[f"totals.{name}"] == value
    assert [row[0] for row in cases] == [c["register_number"] for c in expected["cases"]]


def test_the_cli_refuses_a_period_it_cannot_read(
    seeded_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", seeded_url)
    monkeypatch.setenv("APP_API_TOKEN", "cli-test-token-" + secrets.token_hex(8))
    monkeypatch.setenv("RASA_AUTH_TOKEN", "cli-test-token-" + secrets.token_hex(8))

    assert main(["report", "2026-14"]) == 2
    assert "period" in capsys.readouterr().err


def test_the_workbook_holds_the_same_figures_as_the_report(built: Built) -> None:
    summary, cases = parse_xlsx(to_xlsx(built.report))

    assert_summary_matches(summary, built.expected)
    assert len(cases) == built.json["totals"]["received"]


async def test_resolving_a_case_stores_the_working_days_it_took(session: AsyncSession) -> None:
    case, _ = await services.open_case(
        session,
        CaseCreate.from_json(case_body(received_at="2026-12-24T10:00:00+07:00")),
        profile=PROFILE,
        calendar=CALENDAR,
        now=datetime(2026, 12, 24, 10, tzinfo=WIB),
    )

    resolved = await services.resolve(
        session,
        case.register_number,
        "Selesai.",
        actor="rina",
        calendar=CALENDAR,
        now=datetime(2026, 12, 29, 11, tzinfo=WIB),
    )

    stored = await session.scalar(
        select(func.max(CaseRecord.resolution_working_days)).where(CaseRecord.id == resolved.id)
    )
    assert resolved.resolution_working_days == stored == 2  # Christmas Friday does not count

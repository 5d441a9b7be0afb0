"""`GET /api/reports/{period}` over HTTP: JSON, CSV and XLSX, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime

import httpx
import pytest
from sqlalchemy import update

from backend.api.openapi import load_openapi
from backend.db.engine import Database
from backend.db.tables import CaseRecord
from tests.fakes.case_dataset import AS_OF, CaseDataset, generate
from tests.integration.backend.conftest import RunningApp
from tests.integration.backend.report_support import (
    assert_report_matches,
    assert_summary_matches,
    parse_csv,
    parse_xlsx,
    wib_minutes,
)

SCHEMAS = load_openapi()["components"]["schemas"]


@pytest.fixture
async def dataset(db: Database, running_app: RunningApp) -> CaseDataset:
    """A small dataset in the app's database; the app's clock stands at the dataset's AS_OF."""
    generated = generate(400, seed=11)
    await generated.seed(db)
    running_app.app.ctx.clock = lambda: AS_OF
    return generated


async def test_the_quarterly_report_answers_json_with_every_figure(
    api: httpx.AsyncClient, dataset: CaseDataset
) -> None:
    response = await api.get("/api/reports/2026-Q3")

    assert response.status_code == 200
    report = response.json()
    assert (report["period"], report["kind"]) == ("2026-Q3", "quarter")
    assert (report["start"], report["end"]) == (
        "2026-07-01T00:00:00+07:00",
        "2026-10-01T00:00:00+07:00",
    )
    assert report["as_of"] == "2026-10-09T10:00:00+07:00"
    assert report["institution"] == "KreditPro"
    assert_report_matches(report, dataset.expected("2026-Q3"))


async def test_a_monthly_report_covers_that_month_only(
    api: httpx.AsyncClient, dataset: CaseDataset
) -> None:
    response = await api.get("/api/reports/2026-05")

    assert response.status_code == 200
    assert response.json()["kind"] == "month"
    assert_report_matches(response.json(), dataset.expected("2026-05"))


async def test_the_json_report_has_the_fields_the_openapi_document_lists(
    api: httpx.AsyncClient, dataset: CaseDataset
) -> None:
    report = (await api.get("/api/reports/2026-Q2")).json()

    assert set(report) == set(SCHEMAS["Report"]["properties"])
    assert set(report["resolution"]) == set(
        SCHEMAS["Report"]["properties"]["resolution"]["properties"]
    )
    assert set(report["cases"][0]) == set(SCHEMAS["ReportCase"]["properties"])
    assert set(report["breakdowns"]) == set(
        SCHEMAS["Report"]["properties"]["breakdowns"]["required"]
    )


async def test_the_csv_report_is_an_attachment_that_parses_back_into_the_same_figures(
    api: httpx.AsyncClient, dataset: CaseDataset
) -> None:
    response = await api.get("/api/reports/2026-Q3", params={"format": "csv"})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == (
        'attachment; filename="laporan-pengaduan-2026-Q3.csv"'
    )
    summary, cases = parse_csv(response.content)
    expected = dataset.expected("2026-Q3")
    assert summary["period"] == "2026-Q3"
    assert_summary_matches(summary, expected)
    assert [(row[0], row[1], row[2], row[3]) for row in cases] == [
        (
            case["register_number"],
            wib_minutes(case["received_at"]).strftime("%Y-%m-%d %H:%M"),
            case["full_name"],
            case["status"],
        )
        for case in expected["cases"]
    ]
    assert [row[9] for row in cases] == [
        "" if case["remaining_working_days"] is None else str(case["remaining_working_days"])
        for case in expected["cases"]
    ]


async def test_the_xlsx_report_holds_a_summary_sheet_and_a_case_list_with_the_same_figures(
    api: httpx.AsyncClient, dataset: CaseDataset
) -> None:
    response = await api.get("/api/reports/2026-Q3", params={"format": "xlsx"})

    assert response.status_code == 200
    assert response.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "laporan-pengaduan-2026-Q3.xlsx" in response.headers["content-disposition"]
    summary, cases = parse_xlsx(response.content)
    expected = dataset.expected("2026-Q3")
    assert_summary_matches(summary, expected)
    assert [row[:6] for row in cases] == [
        (
            case["register_number"],
            case["received_at"].astimezone(AS_OF.tzinfo).replace(tzinfo=None),
            case["full_name"],
            case["status"],
            case["category"],
            case["product"],
        )
        for case in expected["cases"]
    ]
    assert [row[9] for row in cases] == [c["remaining_working_days"] for c in expected["cases"]]


async def test_names_that_look_like_formulas_stay_text_in_both_files(
    api: httpx.AsyncClient, db: Database, dataset: CaseDataset
) -> None:
    first = dataset.cases_of("2026-Q3")[0]["id"]
    async with db.engine.begin() as connection:
        await connection.execute(
            update(CaseRecord.__table__)
            .where(CaseRecord.__table__.c.id == first)
            .values(full_name='=HYPERLINK("http://evil.example","klik")')
        )

    csv_cases = parse_csv((await api.get("/api/reports/2026-Q3?format=csv")).content)[1]
    xlsx_cases = parse_xlsx((await api.get("/api/reports/2026-Q3?format=xlsx")).content)[1]

    assert '\'=HYPERLINK("http://evil.example","klik")' in [row[2] for row in csv_cases]
    assert '=HYPERLINK("http://evil.example","klik")' in [row[2] for row in xlsx_cases]


async def test_a_period_without_cases_reports_zeros(
    api: httpx.AsyncClient, dataset: CaseDataset
) -> None:
    report = (await api.get("/api/reports/2030-01")).json()

    assert set(report["totals"].values()) == {0}
    assert report["resolution"]["mean_working_days"] is None
    assert report["ratings"] == {
        "count": 0,
        "mean": None,
        "distribution": {str(n): 0 for n in range(1, 6)},
    }
    assert report["cases"] == []
    assert {row["received"] for row in report["breakdowns"]["category"]} == {0}


@pytest.mark.parametrize("period", ["2026-13", "2026-Q5", "Q4-2026", "2026", "latest"])
async def test_an_unknown_period_is_refused_naming_the_period(
    api: httpx.AsyncClient, period: str
) -> None:
    response = await api.get(f"/api/reports/{period}")

    assert response.status_code == 422
    assert response.json()["field"] == "period"


async def test_an_unknown_format_is_refused_naming_the_format(api: httpx.AsyncClient) -> None:
    response = await api.get("/api/reports/2026-Q4", params={"format": "pdf"})

    assert response.status_code == 422
    assert response.json()["field"] == "format"


async def test_the_report_needs_the_bearer_token(running_app: RunningApp) -> None:
    async with httpx.AsyncClient(base_url=running_app.url) as client:
        response = await client.get("/api/reports/2026-Q4")

    assert response.status_code == 401


def test_the_generated_dataset_is_the_same_every_time() -> None:
    first, second = generate(200, seed=3), generate(200, seed=3)

    assert first.cases == second.cases
    assert first.ratings == second.ratings
    assert all(isinstance(case["received_at"], datetime) for case in first.cases)

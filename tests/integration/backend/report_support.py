"""Checks of a report against the figures the generated dataset says it must show."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import openpyxl
import pytest

from backend.domain.calendar import WIB
from backend.schemas import format_wib

MEASURES = ("received", "open", "resolved", "rejected", "escalated")
NO_VALUE_CODE = "(none)"


def breakdown_of(rows: list[dict[str, Any]]) -> dict[Any, dict[str, int]]:
    """A JSON breakdown as value → measures, leaving out the all-zero rows."""
    return {
        row["value"]: {measure: row[measure] for measure in MEASURES}
        for row in rows
        if row["received"]
    }


def assert_report_matches(report: dict[str, Any], expected: dict[str, Any]) -> None:
    """Every figure of the JSON report equals the dataset's."""
    assert report["totals"] == expected["totals"]
    assert report["by_status"] == expected["by_status"]
    assert report["rejected_by_ground"] == expected["rejected_by_ground"]
    assert report["resolution"] == approx(expected["resolution"])
    assert report["ratings"] == approx(expected["ratings"])
    for name, rows in expected["breakdowns"].items():
        assert breakdown_of(report["breakdowns"][name]) == rows, name
    assert report["cases"] == [json_case(case) for case in expected["cases"]]


def approx(figures: dict[str, Any]) -> dict[str, Any]:
    """The figures with their fractions compared to 1e-9."""
    return {k: pytest.approx(v) if isinstance(v, float) else v for k, v in figures.items()}


def json_case(case: dict[str, Any]) -> dict[str, Any]:
    """An expected case-list line as the JSON report shows it."""
    return {
        **case,
        "received_at": format_wib(case["received_at"]),
        "resolution_due_at": format_wib(case["resolution_due_at"]),
    }


def expected_codes(expected: dict[str, Any]) -> dict[str, Any]:
    """The summary lines of the CSV and XLSX files, code → value, for the expected figures."""
    codes: dict[str, Any] = {f"totals.{k}": v for k, v in expected["totals"].items()}
    codes |= {f"status.{k}": v for k, v in expected["by_status"].items()}
    codes |= {f"rejected.{k}": v for k, v in expected["rejected_by_ground"].items()}
    codes |= {f"resolution.{k}": v for k, v in expected["resolution"].items()}
    codes |= {"ratings.count": expected["ratings"]["count"]}
    codes |= {"ratings.mean": expected["ratings"]["mean"]}
    codes |= {f"ratings.{k}": v for k, v in expected["ratings"]["distribution"].items()}
    for name, rows in expected["breakdowns"].items():
        for value, measures in rows.items():
            label = NO_VALUE_CODE if value is None else value
            codes |= {f"{name}.{label}.{m}": count for m, count in measures.items()}
    return codes


def assert_summary_matches(summary: dict[str, Any], expected: dict[str, Any]) -> None:
    """A file's summary holds every expected figure, and zero for every other breakdown line."""
    wanted = expected_codes(expected)
    for code, value in wanted.items():
        if isinstance(value, float):
            assert float(summary[code]) == pytest.approx(value, abs=0.005), code
        elif value is None:
            assert summary[code] in (None, ""), code
        else:
            assert int(summary[code]) == value, code
    for code, value in summary.items():
        if code not in wanted and code.endswith(MEASURES):
            assert int(value) == 0, code


def parse_csv(content: bytes) -> tuple[dict[str, str], list[list[str]]]:
    """The CSV's summary (code → value) and its case list (rows without the header)."""
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    blank = rows.index([])
    summary = {row[0]: row[3] for row in rows[1:blank]}
    return summary, rows[blank + 2 :]


def parse_xlsx(content: bytes) -> tuple[dict[str, Any], list[tuple[Any, ...]]]:
    """The workbook's summary sheet (code → value) and case-list sheet (rows, no header)."""
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    try:
        summary_sheet, cases_sheet = (workbook[name] for name in workbook.sheetnames)
        lines = padded(summary_sheet.iter_rows(values_only=True), 4)
        first = next(i for i, row in enumerate(lines) if row[0] == "Kode / Code") + 1
        summary = {row[0]: row[3] for row in lines[first:]}
        cases = padded(cases_sheet.iter_rows(values_only=True), 10)[1:]
    finally:
        workbook.close()
    return summary, cases


def padded(rows: Iterable[tuple[Any, ...]], width: int) -> list[tuple[Any, ...]]:
    """Rows of `width` cells: a workbook does not store a row's empty trailing cells."""
    return [row + (None,) * (width - len(row)) for row in rows]


def wib_minutes(moment: datetime) -> datetime:
    """A time as the files show it: naive WIB, to the minute."""
    return moment.astimezone(WIB).replace(tzinfo=None, second=0, microsecond=0)

"""The report files: one line per figure with a unique code, bilingual headers, safe texts."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, datetime

import openpyxl

from backend.domain.calendar import WIB
from backend.reports.build import BreakdownRow, CaseLine, Ratings, Report, Resolution, Totals
from backend.reports.export import (
    CASE_HEADER,
    CASES_SHEET,
    SUMMARY_HEADER,
    SUMMARY_SHEET,
    case_cells,
    file_name,
    summary_lines,
    to_csv,
    to_xlsx,
)
from backend.reports.periods import parse_period


def report(*cases: CaseLine) -> Report:
    """A small report: two cases, one of them without a product."""
    return Report(
        period=parse_period("2026-10"),
        institution="KreditPro",
        as_of=datetime(2026, 11, 9, 3, tzinfo=UTC),
        totals=Totals(received=2, open=1, resolved=1, extended=1),
        by_status={"received": 1, "resolved": 1},
        rejected_by_ground={"already_resolved": 0},
        resolution=Resolution(
            resolved=1,
            on_time=1,
            late=0,
            open_overdue=0,
            mean_working_days=None,
            p90_working_days=None,
        ),
        ratings=Ratings(count=0, mean=None, distribution={n: 0 for n in range(1, 6)}),
        breakdowns={
            "product": (
                BreakdownRow(value="Pinjaman produktif", received=1, resolved=1),
                BreakdownRow(value=None, received=1, open=1),
            )
        },
        cases=cases,
    )


def line(name: str, remaining: int | None) -> CaseLine:
    return CaseLine(
        register_number="KP-2610-00001A",
        received_at=datetime(2026, 10, 1, 2, 30, tzinfo=UTC),
        full_name=name,
        status="received" if remaining is not None else "resolved",
        category="fraud",
        product=None,
        priority="high",
        channel="whatsapp",
        resolution_due_at=datetime(2026, 10, 15, 17, tzinfo=WIB),
        remaining_working_days=remaining,
    )


def test_every_summary_line_has_its_own_code() -> None:
    codes = [summary.code for summary in summary_lines(report())]

    assert len(codes) == len(set(codes))
    assert "product.(none).open" in codes
    assert "product.Pinjaman produktif.resolved" in codes


def test_the_csv_holds_the_summary_then_an_empty_line_then_the_case_list() -> None:
    content = to_csv(report(line("Siti Rahayu", 3), line("Budi", None)))

    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    blank = rows.index([])
    summary = {row[0]: row[3] for row in rows[1:blank]}
    assert summary["totals.received"] == "2"
    assert summary["resolution.mean_working_days"] == ""
    assert rows[blank + 1] == list(CASE_HEADER)
    assert rows[blank + 2][:3] == ["KP-2610-00001A", "2026-10-01 09:30", "Siti Rahayu"]
    assert (rows[blank + 2][9], rows[blank + 3][9]) == ("3", "")


def test_a_text_a_spreadsheet_would_run_as_a_formula_is_quoted_in_the_csv() -> None:
    content = to_csv(report(line("=1+1", 1), line("@SUM(A1)", 1), line("-2", 1)))

    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert [row[2] for row in rows[-3:]] == ["'=1+1", "'@SUM(A1)", "'-2"]


def test_the_workbook_has_a_summary_sheet_and_a_case_sheet_with_texts_never_formulas() -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(to_xlsx(report(line("=1+1", 0)))))

    assert workbook.sheetnames == [SUMMARY_SHEET, CASES_SHEET]
    cases = workbook[CASES_SHEET]
    assert [cell.value for cell in cases[1]] == list(CASE_HEADER)
    assert cases["C2"].value == "=1+1"
    assert cases["C2"].data_type == "s"
    assert cases["B2"].value == datetime(2026, 10, 1, 9, 30)


def test_the_workbook_shows_times_to_the_minute_fractions_to_two_decimals_and_bold_headers() -> (
    None
):
    ratings = Ratings(count=3, mean=4.333, distribution={n: 0 for n in range(1, 6)})
    figures = replace(report(line("Siti", 2)), ratings=ratings)
    workbook = openpyxl.load_workbook(io.BytesIO(to_xlsx(figures)))

    summary, cases = workbook[SUMMARY_SHEET], workbook[CASES_SHEET]
    mean = next(row for row in summary.iter_rows() if row[0].value == "ratings.mean")[3]
    assert (mean.value, mean.number_format) == (4.333, "0.00")
    assert summary["A1"].value.endswith("2026-10") and summary["A1"].font.b
    assert all(cell.font.b for cell in summary[3]) and all(cell.font.b for cell in cases[1])
    assert cases["B2"].number_format == cases["I2"].number_format == "yyyy-mm-dd hh:mm"
    assert cases["I2"].value == datetime(2026, 10, 15, 17)
    assert cases.freeze_panes == "A2"


def test_the_files_are_named_after_the_period() -> None:
    assert file_name(report(), "xlsx") == "laporan-pengaduan-2026-10.xlsx"


def test_the_workbook_holds_every_summary_figure_and_every_case_cell_as_the_report_gives_them() -> (
    None
):
    cases = (
        line("Siti Rahayu", 3),
        line("Budi", None)._replace(product="Pinjaman produktif", priority="low"),
        line("Dewi", -2)._replace(received_at=datetime(2026, 10, 31, 23, 59, 59, tzinfo=WIB)),
    )
    workbook = openpyxl.load_workbook(io.BytesIO(to_xlsx(report(*cases))), read_only=True)

    summary_rows = list(workbook[SUMMARY_SHEET].iter_rows(values_only=True))
    case_rows = list(workbook[CASES_SHEET].iter_rows(values_only=True))
    workbook.close()
    first = summary_rows.index(SUMMARY_HEADER) + 1
    wanted = [
        (figure.code, figure.indonesian, figure.english, figure.value)
        for figure in summary_lines(report(*cases))
    ]
    assert [tuple(row) + (None,) * (4 - len(row)) for row in summary_rows[first:]] == wanted
    assert case_rows[0] == CASE_HEADER
    assert [tuple(row) + (None,) * (10 - len(row)) for row in case_rows[1:]] == [
        case_cells(case) for case in cases
    ]


def test_the_workbook_writes_control_characters_out_and_keeps_every_name_a_quoted_text() -> None:
    names = ("Budi\x1b[31m\x07", '=HYPERLINK("http://evil.example")', "+62 812", "-1", "@SUM(A1)")
    workbook = openpyxl.load_workbook(
        io.BytesIO(to_xlsx(report(*(line(name, 1) for name in names))))
    )

    cells = [workbook[CASES_SHEET].cell(row=row, column=3) for row in range(2, 2 + len(names))]
    assert [cell.value for cell in cells] == ["Budi\\x1b[31m\\x07", *names[1:]]
    assert all(cell.data_type == "s" for cell in cells)
    assert all(cell.quotePrefix for cell in cells)

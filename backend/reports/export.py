"""The report as files: CSV and XLSX, with Indonesian / English headers.

Both hold the same two tables. The summary has one line per figure: a stable code
(`totals.received`, `category.fraud.open`, `ratings.5`), its description in Indonesian
and in English, and the value. The case list has one line per case, oldest first. The
XLSX puts them on two sheets; the CSV (UTF-8 with a BOM, so spreadsheets read the names
right) holds the summary, one empty line, then the case list. In both, control characters
are written out (`\x1b`) and a text a spreadsheet would run as a formula stays text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import rustpy_xlsxwriter

from backend.domain.calendar import WIB
from backend.domain.control_characters import escape_control_characters
from backend.reports.build import BreakdownRow, CaseLine, Report

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SUMMARY_SHEET = "Ringkasan - Summary"
CASES_SHEET = "Daftar pengaduan - Cases"
SUMMARY_HEADER = ("Kode / Code", "Uraian", "Description", "Nilai / Value")
CASE_HEADER = (
    "Nomor register / Register number",
    "Tanggal diterima / Received at (WIB)",
    "Nama konsumen / Consumer name",
    "Status",
    "Jenis permasalahan / Problem type",
    "Jenis produk / Product type",
    "Prioritas / Priority",
    "Saluran / Channel",
    "Batas waktu penyelesaian / Resolution due (WIB)",
    "Sisa hari kerja / Remaining working days",
)
SUMMARY_WIDTHS = (34, 52, 52, 16)
CASE_WIDTHS = (18, 20, 28, 18, 22, 22, 12, 12, 20, 14)
NAME_COLUMN = 2
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
FRACTION_FORMAT = "0.00"
# At most this many distinct labels and deadlines are kept converted while writing.
CACHE_SIZE = 10_000

# Code → (Indonesian, English).
FIGURES: dict[str, tuple[str, str]] = {
    "period": ("Periode laporan", "Report period"),
    "first_day": ("Tanggal awal", "First day"),
    "last_day": ("Tanggal akhir", "Last day"),
    "as_of": ("Posisi per (WIB)", "Status as of (WIB)"),
    "institution": ("Lembaga jasa keuangan", "Financial institution"),
    "totals.received": ("Pengaduan diterima", "Complaints received"),
    "totals.open": ("Dalam proses", "In progress (open)"),
    "totals.resolved": ("Selesai", "Resolved"),
    "totals.rejected": ("Ditolak", "Rejected"),
    "totals.escalated": ("Dieskalasi (OJK, LAPS, pengadilan)", "Escalated (OJK, LAPS, court)"),
    "totals.extended": ("Perpanjangan waktu digunakan", "Extensions used"),
    "resolution.resolved": (
        "Diselesaikan (termasuk yang lalu dieskalasi)",
        "Resolved (incl. escalated later)",
    ),
    "resolution.on_time": ("Selesai dalam batas waktu", "Resolved within the deadline"),
    "resolution.late": ("Selesai melewati batas waktu", "Resolved late"),
    "resolution.open_overdue": ("Dalam proses, melewati batas waktu", "Open and overdue"),
    "resolution.mean_working_days": (
        "Rata-rata waktu penyelesaian (hari kerja)",
        "Mean resolution time (working days)",
    ),
    "resolution.p90_working_days": (
        "Persentil ke-90 waktu penyelesaian (hari kerja)",
        "90th percentile resolution time (working days)",
    ),
    "ratings.count": ("Percakapan yang dinilai", "Chats rated"),
    "ratings.mean": ("Rata-rata penilaian (1-5)", "Mean rating (1-5)"),
}
SECTIONS: dict[str, tuple[str, str]] = {
    "status": ("Status", "Status"),
    "rejected": ("Ditolak karena", "Rejected on the ground"),
    "ratings": ("Penilaian", "Rating"),
    "category": ("Jenis permasalahan", "Problem type"),
    "product": ("Jenis produk", "Product type"),
    "channel": ("Saluran", "Channel"),
    "complainant_type": ("Jenis pengadu", "Complainant type"),
    "priority": ("Prioritas", "Priority"),
    "submission_mode": ("Cara penyampaian", "Submission mode"),
    "complaint_type": ("Jenis layanan", "Request type"),
}
MEASURES: dict[str, tuple[str, str]] = {
    "received": ("diterima", "received"),
    "open": ("dalam proses", "open"),
    "resolved": ("selesai", "resolved"),
    "rejected": ("ditolak", "rejected"),
    "escalated": ("dieskalasi", "escalated"),
}
VALUES: dict[str, str] = {
    "received": "Diterima",
    "in_progress": "Dalam proses",
    "waiting_documents": "Menunggu dokumen",
    "resolved": "Selesai",
    "rejected": "Ditolak",
    "escalated": "Dieskalasi",
    "documents_incomplete": "Dokumen tidak dilengkapi",
    "already_resolved": "Sudah pernah diselesaikan",
    "unrelated_to_service": "Tidak terkait layanan",
    "debt_collection": "Perilaku petugas penagihan",
    "transaction": "Transaksi gagal atau terlambat",
    "fraud": "Penipuan (fraud eksternal)",
    "personal_data": "Penyalahgunaan data pribadi",
    "fees_interest": "Bunga, denda dan biaya",
    "restructuring": "Restrukturisasi",
    "credit_report": "Pelaporan kredit (SLIK)",
    "account": "Akun",
    "service": "Layanan",
    "other": "Lainnya",
    "web": "Situs web",
    "telegram": "Telegram",
    "whatsapp": "WhatsApp",
    "rest": "REST API",
    "phone": "Telepon",
    "letter": "Surat",
    "email": "E-mail",
    "walk_in": "Datang langsung",
    "user": "Pengguna",
    "reporter": "Pelapor",
    "low": "Rendah",
    "medium": "Medium",
    "high": "Tinggi",
    "emergency": "Darurat",
    "oral": "Lisan",
    "written": "Tertulis",
    "question": "Pertanyaan",
    "feedback": "Kritik/saran",
    "complaint": "Pengaduan",
}
NO_VALUE = ("(tidak diisi)", "(none)")
NO_VALUE_CODE = "(none)"
# A spreadsheet would run a text starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class SummaryLine:
    """One figure of the summary table."""

    code: str
    indonesian: str
    english: str
    value: Any


def summary_lines(report: Report) -> Iterator[SummaryLine]:
    """Every figure of the report, in the order the files show them."""
    period = report.period
    heading: dict[str, Any] = {
        "period": period.key,
        "first_day": period.first_day.isoformat(),
        "last_day": period.last_day.isoformat(),
        "as_of": report.as_of.astimezone(WIB).strftime("%Y-%m-%d %H:%M"),
        "institution": report.institution,
    }
    for code, value in heading.items():
        yield _figure(code, value)
    for name, value in vars(report.totals).items():
        yield _figure(f"totals.{name}", value)
    for status, count in report.by_status.items():
        yield _item("status", status, count)
    for ground, count in report.rejected_by_ground.items():
        yield _item("rejected", ground, count)
    for name, value in vars(report.resolution).items():
        yield _figure(f"resolution.{name}", value)
    yield _figure("ratings.count", report.ratings.count)
    yield _figure("ratings.mean", report.ratings.mean)
    for rating, count in report.ratings.distribution.items():
        yield _item("ratings", str(rating), count)
    for dimension, rows in report.breakdowns.items():
        for row in rows:
            yield from _breakdown_lines(dimension, row)


def _figure(code: str, value: Any) -> SummaryLine:
    """A named figure with its descriptions."""
    indonesian, english = FIGURES[code]
    return SummaryLine(code, indonesian, english, value)


def _item(section: str, value: str, count: int) -> SummaryLine:
    """The count of one value of a section (a status, a ground, a rating)."""
    indonesian, english = SECTIONS[section]
    return SummaryLine(
        f"{section}.{value}",
        f"{indonesian}: {VALUES.get(value, value)}",
        f"{english}: {value.replace('_', ' ')}",
        count,
    )


def _breakdown_lines(dimension: str, row: BreakdownRow) -> Iterator[SummaryLine]:
    """The five outcome counts of one value of a dimension."""
    section_id, section_en = SECTIONS[dimension]
    value_id, value_en = (
        NO_VALUE if row.value is None else (VALUES.get(row.value, row.value), row.value)
    )
    for measure, (measure_id, measure_en) in MEASURES.items():
        yield SummaryLine(
            f"{dimension}.{NO_VALUE_CODE if row.value is None else row.value}.{measure}",
            f"{section_id}: {value_id} — {measure_id}",
            f"{section_en}: {value_en.replace('_', ' ')} — {measure_en}",
            getattr(row, measure),
        )


def case_cells(line: CaseLine) -> tuple[Any, ...]:
    """One row of the case list: times as naive WIB datetimes (spreadsheets know no zones)."""
    return (
        line.register_number,
        _wib(line.received_at),
        line.full_name,
        line.status,
        line.category,
        line.product,
        line.priority,
        line.channel,
        _wib(line.resolution_due_at),
        line.remaining_working_days,
    )


def _wib(moment: datetime) -> datetime:
    """The WIB wall-clock time, without a zone."""
    return moment.astimezone(WIB).replace(tzinfo=None)


def to_csv(report: Report) -> bytes:
    """The summary, an empty line, then the case list; UTF-8 with a BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(SUMMARY_HEADER)
    for line in summary_lines(report):
        writer.writerow((line.code, line.indonesian, line.english, _csv_value(line.value)))
    writer.writerow(())
    writer.writerow(CASE_HEADER)
    for case in report.cases:
        writer.writerow(tuple(_csv_value(cell) for cell in case_cells(case)))
    return buffer.getvalue().encode("utf-8-sig")


def _csv_value(value: Any) -> Any:
    """Empty for None, minutes for times, two decimals, texts that cannot run as formulas."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = escape_control_characters(value)
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, float):
        return f"{value:.2f}"
    return value


def to_xlsx(report: Report) -> bytes:
    """A workbook with the summary sheet and the case-list sheet.

    rustpy-xlsxwriter (rust_xlsxwriter underneath) writes the rows as they come, in its
    constant-memory mode, with every text an inline text: never a formula, number or link.
    Only the case rows' dictionaries are made in Python, one at a time.
    """
    buffer = io.BytesIO()
    title = f"Laporan penanganan pengaduan / Complaint handling report {report.period.key}"
    rustpy_xlsxwriter.write_worksheets(
        [
            (SUMMARY_SHEET, [_summary_record(line) for line in summary_lines(report)]),
            (CASES_SHEET, _case_records(report.cases)),
        ],
        buffer,
        datetime_format=DATETIME_FORMAT,
        float_format=FRACTION_FORMAT,
        bold_headers=True,
        header_row={SUMMARY_SHEET: 2},
        merge_ranges={SUMMARY_SHEET: [(0, 0, 0, len(SUMMARY_HEADER) - 1, title, _bold())]},
        freeze_panes={CASES_SHEET: {"row": 1, "col": 0}},
        column_widths={SUMMARY_SHEET: list(SUMMARY_WIDTHS), CASES_SHEET: list(CASE_WIDTHS)},
        # A spreadsheet keeps a quote-prefixed cell text even when it is edited: the names
        # customers typed stay texts however they start.
        column_formats={CASES_SHEET: {CASE_HEADER[NAME_COLUMN]: _quote_prefixed()}},
    )
    return buffer.getvalue()


def _bold() -> rustpy_xlsxwriter.Format:
    return rustpy_xlsxwriter.Format().set_bold()


def _quote_prefixed() -> rustpy_xlsxwriter.Format:
    return rustpy_xlsxwriter.Format().set_quote_prefix()


def _summary_record(line: SummaryLine) -> dict[str, Any]:
    """One summary line under the sheet's headers, its texts with control characters out."""
    cells = (line.code, line.indonesian, line.english, line.value)
    return dict(zip(SUMMARY_HEADER, (_xlsx_value(cell) for cell in cells), strict=True))


def _xlsx_value(value: Any) -> Any:
    """Texts with their control characters written out; times in WIB without a zone."""
    if isinstance(value, str):
        return escape_control_characters(value)
    if isinstance(value, datetime):
        return _wib(value)
    return value


def _case_records(cases: Iterable[CaseLine]) -> Iterator[dict[str, Any]]:
    """The case list, one row at a time: the hot loop, so the few values a column repeats
    (status, category, deadlines...) are converted once."""
    texts: dict[str, str] = {}
    moments: dict[datetime, datetime] = {}

    def label(value: str) -> str:
        found = texts.get(value)
        if found is None:
            found = escape_control_characters(value)
            if len(texts) < CACHE_SIZE:
                texts[value] = found
        return found

    def wib(moment: datetime) -> datetime:
        found = moments.get(moment)
        if found is None:
            found = _wib(moment)
            if len(moments) < CACHE_SIZE:
                moments[moment] = found
        return found

    escape = escape_control_characters
    for case in cases:
        yield dict(
            zip(
                CASE_HEADER,
                (
                    escape(case.register_number),
                    _wib(case.received_at),
                    escape(case.full_name),
                    label(case.status),
                    label(case.category),
                    None if case.product is None else label(case.product),
                    label(case.priority),
                    label(case.channel),
                    wib(case.resolution_due_at),
                    case.remaining_working_days,
                ),
                strict=True,
            )
        )


def file_name(report: Report, extension: str) -> str:
    """The attachment's name, e.g. `laporan-pengaduan-2026-Q4.xlsx`."""
    return f"laporan-pengaduan-{report.period.key}.{extension}"

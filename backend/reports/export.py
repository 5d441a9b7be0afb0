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

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

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
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
# Texts stay texts: xlsxwriter is told never to read one as a formula, number or link.
WORKBOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}
# Day 0 of a spreadsheet's serial dates (1900 system, after its 29 February 1900).
EXCEL_EPOCH = datetime(1899, 12, 30)
SECONDS_PER_DAY = 86_400
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
    """A workbook with the summary sheet and the case-list sheet, streamed row by row.

    xlsxwriter's constant-memory mode writes each row to a temporary file as soon as the
    next one starts, with its texts inline: memory stays flat whatever the number of cases.
    """
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS)
    writer = _SheetWriter(workbook)
    summary = workbook.add_worksheet(SUMMARY_SHEET)
    _columns(summary, (34, 52, 52, 16))
    title = f"Laporan penanganan pengaduan / Complaint handling report {report.period.key}"
    summary.write_string(0, 0, title, writer.bold)
    _header(summary, 2, SUMMARY_HEADER, writer.bold)
    for row, line in enumerate(summary_lines(report), start=3):
        for column, value in enumerate((line.code, line.indonesian, line.english, line.value)):
            writer.cell(summary, row, column, value)
    cases = workbook.add_worksheet(CASES_SHEET)
    _columns(cases, (18, 20, 28, 18, 22, 22, 12, 12, 20, 14))
    cases.freeze_panes(1, 0)
    _header(cases, 0, CASE_HEADER, writer.bold)
    writer.case_rows(cases, report.cases)
    workbook.close()
    return buffer.getvalue()


def _columns(sheet: Worksheet, widths: tuple[int, ...]) -> None:
    """Set the widths of the first columns (before any row is written)."""
    for index, width in enumerate(widths):
        sheet.set_column(index, index, width)


def _header(sheet: Worksheet, row: int, texts: tuple[str, ...], bold: Format) -> None:
    """A row of bold header cells."""
    for column, text in enumerate(texts):
        sheet.write_string(row, column, text, bold)


class _SheetWriter:
    """Writes cells with the workbook's formats: the type of each value decides the call."""

    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        self.bold = workbook.add_format({"bold": True})
        # A spreadsheet keeps a quote-prefixed cell text even when it is edited.
        self.quoted = workbook.add_format({"quote_prefix": True})
        self.moment = workbook.add_format({"num_format": DATETIME_FORMAT})
        self.fraction = workbook.add_format({"num_format": "0.00"})
        self.serials: dict[datetime, float] = {}

    def cell(self, sheet: Worksheet, row: int, column: int, value: Any) -> None:
        """Texts always as texts (never formulas), times and fractions formatted, None empty."""
        if value is None:
            return
        if isinstance(value, str):
            self.text(sheet, row, column, value)
        elif isinstance(value, datetime):
            sheet.write_number(row, column, self.serial(value), self.moment)
        elif isinstance(value, float):
            sheet.write_number(row, column, value, self.fraction)
        else:
            sheet.write_number(row, column, value)

    def text(self, sheet: Worksheet, row: int, column: int, value: str) -> None:
        """A text with its control characters written out, quote-prefixed if formula-like."""
        sheet.write_string(row, column, *self.safe(value))

    def safe(self, value: str) -> tuple[str, Format | None]:
        """The text to write and its format: escaped, quote-prefixed if formula-like."""
        value = escape_control_characters(value)
        return value, self.quoted if value.startswith(FORMULA_STARTS) else None

    def case_rows(self, sheet: Worksheet, cases: Iterable[CaseLine]) -> None:
        """The case list from the second row on: the hot loop, so the cells' types are known
        and the few values a column repeats (status, category...) are made safe once."""
        write_string, write_number = sheet.write_string, sheet.write_number
        safe, serial, moment = self.safe, self.serial, self.moment
        labels: dict[str, tuple[str, Format | None]] = {}

        def label(row: int, column: int, value: str) -> None:
            found = labels.get(value)
            if found is None:
                found = safe(value)
                if len(labels) < CACHE_SIZE:
                    labels[value] = found
            write_string(row, column, *found)

        for row, case in enumerate(cases, start=1):
            write_string(row, 0, *safe(case.register_number))
            write_number(row, 1, serial(case.received_at), moment)
            write_string(row, 2, *safe(case.full_name))
            label(row, 3, case.status)
            label(row, 4, case.category)
            if case.product is not None:
                label(row, 5, case.product)
            label(row, 6, case.priority)
            label(row, 7, case.channel)
            write_number(row, 8, serial(case.resolution_due_at), moment)
            if case.remaining_working_days is not None:
                write_number(row, 9, case.remaining_working_days)

    def serial(self, moment: datetime) -> float:
        """The spreadsheet serial number of the WIB wall-clock time (deadlines repeat: cached)."""
        found = self.serials.get(moment)
        if found is None:
            delta = _wib(moment) - EXCEL_EPOCH
            found = delta.days + (delta.seconds + delta.microseconds / 1e6) / SECONDS_PER_DAY
            if len(self.serials) < CACHE_SIZE:
                self.serials[moment] = found
        return found


def file_name(report: Report, extension: str) -> str:
    """The attachment's name, e.g. `laporan-pengaduan-2026-Q4.xlsx`."""
    return f"laporan-pengaduan-{report.period.key}.{extension}"

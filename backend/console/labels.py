"""The console's words for stored values (Indonesian, the agents' language), and WIB times."""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_datetime

from backend.domain.calendar import WIB

LABELS: dict[str, dict[str, str]] = {
    "status": {
        "received": "Diterima",
        "in_progress": "Diproses",
        "waiting_documents": "Menunggu dokumen",
        "resolved": "Selesai",
        "rejected": "Ditolak",
        "escalated": "Dieskalasi",
        "waiting": "Menunggu agen",
        "held": "Ditangani agen",
        "bot": "Dijawab bot",
    },
    "priority": {"low": "Rendah", "medium": "Medium", "high": "Tinggi", "emergency": "Darurat"},
    "channel": {
        "web": "Web",
        "telegram": "Telegram",
        "whatsapp": "WhatsApp",
        "rest": "REST",
        "phone": "Telepon",
        "letter": "Surat",
        "email": "E-mail",
        "walk_in": "Datang langsung",
    },
    "ground": {
        "documents_incomplete": "Dokumen tidak dilengkapi dalam waktu yang ditentukan",
        "already_resolved": "Pengaduan telah diselesaikan sebelumnya",
        "unrelated_to_service": "Tidak berkaitan dengan layanan kami",
    },
    "complainant_type": {"user": "Pengguna", "reporter": "Pelapor"},
    "user_role": {
        "lender": "Pemberi pinjaman",
        "borrower": "Peminjam",
        "customer": "Nasabah",
        "representative": "Perwakilan nasabah",
    },
    "complaint_type": {
        "complaint": "Pengaduan",
        "question": "Pertanyaan",
        "feedback": "Kritik/saran",
    },
    "category": {
        "debt_collection": "Penagihan",
        "transaction": "Transaksi",
        "fraud": "Penipuan",
        "personal_data": "Data pribadi",
        "fees_interest": "Bunga/biaya",
        "restructuring": "Restrukturisasi",
        "credit_report": "SLIK",
        "account": "Akun",
        "service": "Layanan",
        "other": "Lainnya",
    },
    "reason": {
        "requested": "Minta bicara dengan petugas",
        "fallback": "Bot gagal memahami",
        "emergency": "Darurat",
        "agent": "Diambil alih agen",
    },
    "sender": {"user": "Pelanggan", "bot": "Bot", "agent": "Agen"},
    "role": {"agent": "Agen", "supervisor": "Supervisor"},
    "uploader": {"customer (web widget)": "Pelanggan (widget web)"},
    "document_type": {
        "application/pdf": "PDF",
        "image/png": "Gambar PNG",
        "image/jpeg": "Gambar JPEG",
    },
    # A case's history: the action of each case event.
    "event": {
        "opened": "Kasus dibuka",
        "status_changed": "Status diubah",
        "documents_requested": "Dokumen diminta",
        "document_added": "Dokumen ditambahkan",
        "document_downloaded": "Dokumen diunduh",
        "rejected": "Pengaduan ditolak",
        "extended": "Waktu penyelesaian diperpanjang",
        "resolved": "Pengaduan diselesaikan",
        "assigned": "Petugas ditetapkan",
        "contact_check_passed": "Verifikasi kontak berhasil",
        "contact_check_failed": "Verifikasi kontak gagal",
    },
}


def label(value: object, kind: str) -> str:
    """The console's word for `value` of `kind`, or the value itself."""
    text = "" if value is None else str(value)
    return LABELS.get(kind, {}).get(text, text)


def choices(kind: str) -> list[tuple[str, str]]:
    """(value, label) pairs of `kind`, for a select."""
    return list(LABELS[kind].items())


def wib(moment: datetime | None) -> str:
    """A time as agents read it: "Sen, 24 Nov 2026 17.00 WIB"."""
    if moment is None:
        return ""
    return format_datetime(moment.astimezone(WIB), "EEE, d MMM y HH.mm", locale="id") + " WIB"

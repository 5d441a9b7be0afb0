"""The complaint category guessed from the customer's description, for triage and OJK reports.

Categories follow OJK's complaint statistics (shared/DOMAIN.md). The first category whose
words appear wins, so the more specific ones come first; an agent can correct it later.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

OTHER = "other"

CATEGORY_WORDS: Sequence[tuple[str, Sequence[str]]] = (
    (
        "debt_collection",
        (
            "debt collector",
            "debt kolektor",
            "kolektor",
            "penagih",
            "penagihan",
            "ditagih",
            "menagih",
            "tagih",
            "diteror",
            "teror",
            "mengancam",
            "ancaman",
            "diancam",
            "dimaki",
            "mempermalukan",
            "dc",
        ),
    ),
    (
        "fraud",
        (
            "penipuan",
            "penipu",
            "ditipu",
            "phishing",
            "skimming",
            "kode otp",
            "otp",
            "diretas",
            "dibobol",
            "peretasan",
            "tanpa izin",
            "tanpa sepengetahuan",
            "mengatasnamakan",
            "fraud",
            "scam",
        ),
    ),
    (
        "personal_data",
        (
            "data pribadi",
            "penyalahgunaan data",
            "data saya disebar",
            "menyebarkan data",
            "disebarkan",
            "kontak darurat",
            "kontak di hp",
            "daftar kontak",
            "ktp saya dipakai",
            "personal data",
        ),
    ),
    (
        "restructuring",
        (
            "restrukturisasi",
            "keringanan",
            "reschedule",
            "penjadwalan ulang",
            "perpanjangan tenor",
            "restructuring",
        ),
    ),
    (
        "credit_report",
        ("slik", "bi checking", "bi-checking", "skor kredit", "kolektibilitas", "credit report"),
    ),
    (
        "fees_interest",
        (
            "bunga",
            "denda",
            "biaya admin",
            "biaya",
            "potongan",
            "dipotong",
            "provisi",
            "interest",
            "fee",
            "penalty",
        ),
    ),
    (
        "transaction",
        (
            "belum cair",
            "tidak cair",
            "pencairan",
            "dana belum masuk",
            "belum masuk",
            "belum diterima",
            "belum dibayar",
            "imbal hasil",
            "pengembalian dana",
            "transfer",
            "pembayaran",
            "sudah bayar",
            "sudah membayar",
            "tidak tercatat",
            "belum tercatat",
            "gagal bayar",
            "transaksi",
            "refund",
            "saldo",
            "virtual account",
        ),
    ),
    (
        "account",
        (
            "akun",
            "login",
            "masuk aplikasi",
            "kata sandi",
            "password",
            "pin",
            "terblokir",
            "diblokir",
            "verifikasi",
            "account",
        ),
    ),
    (
        "service",
        (
            "pelayanan",
            "layanan",
            "customer service",
            "cs",
            "tidak dibalas",
            "tidak ditanggapi",
            "lambat",
            "aplikasi error",
            "service",
        ),
    ),
)


def detect_category(text: str) -> str:
    """The category of a complaint from words in its description; `other` when none fits."""
    lowered = " ".join(text.lower().split())
    for category, words in CATEGORY_WORDS:
        if any(re.search(rf"(?<!\w){re.escape(word)}(?!\w)", lowered) for word in words):
            return category
    return OTHER

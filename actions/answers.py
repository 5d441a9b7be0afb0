"""Reads the customer's answers to the intake questions, clicked or typed.

Each reader takes what the slot holds (a button's value, or the text the customer typed)
and returns the interface value (`user`, `borrower`, `high`, ...) or None when the text
says none of them. Longer phrases are tried first: "bukan pengguna" is a reporter,
"perwakilan nasabah" a representative, "tidak mendesak" low. Inside the form these
readers decide, not the NLU intent: a confident but wrong intent ("hmm" as affirm, a name
as cancel) must not register or drop a complaint.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from actions.chat_words import mentions, plain

Vocabulary = Sequence[tuple[str, Sequence[str]]]

COMPLAINANT_TYPES: Vocabulary = (
    (
        "reporter",
        (
            "bukan pengguna",
            "bukan nasabah",
            "bukan peminjam",
            "bukan pemberi pinjaman",
            "pihak luar",
            "pihak lain",
            "pihak ketiga",
            "kontak darurat",
            "pelapor",
            "reporter",
            "not a user",
            "not a customer",
        ),
    ),
    (
        "user",
        (
            "pengguna",
            "nasabah",
            "user",
            "customer",
            "pemberi pinjaman",
            "peminjam",
            "pendana",
            "lender",
            "borrower",
            "debitur",
        ),
    ),
)

USER_ROLES: Vocabulary = (
    ("representative", ("perwakilan", "kuasa", "mewakili", "wakil", "representative")),
    ("lender", ("pemberi pinjaman", "pemberi dana", "pendana", "lender", "investor")),
    ("borrower", ("peminjam", "debitur", "borrower", "saya pinjam", "meminjam")),
    ("customer", ("nasabah", "customer")),
)

PRIORITIES: Vocabulary = (
    (
        "low",
        (
            "tidak mendesak",
            "tidak terlalu mendesak",
            "tidak terlalu penting",
            "tidak penting",
            "tidak buru buru",
            "tidak urgent",
            "santai",
            "rendah",
            "not urgent",
            "low",
        ),
    ),
    (
        "emergency",
        (
            "sangat mendesak",
            "mendesak banget",
            "urgent banget",
            "darurat",
            "emergency",
            "urgent",
            "gawat",
        ),
    ),
    ("high", ("mendesak", "tinggi", "penting", "segera", "secepatnya", "asap", "high")),
    ("medium", ("medium", "sedang", "menengah", "biasa", "normal", "lumayan")),
)

YES_NO: Sequence[tuple[bool | None, Sequence[str]]] = (
    (
        None,
        (
            "tidak tahu",
            "tidak yakin",
            "gak tahu",
            "nggak tahu",
            "ga tau",
            "entah",
            "entahlah",
            "bingung",
            "ragu",
            "mungkin",
            "hmm",
            "not sure",
            "maybe",
        ),
    ),
    (
        False,
        (
            "tidak",
            "tdk",
            "enggak",
            "nggak",
            "ngga",
            "gak",
            "ga",
            "no",
            "bukan",
            "batal",
            "salah",
            "jangan",
        ),
    ),
    (True, ("ya", "iya", "y", "yes", "benar", "betul", "ok", "oke", "okay", "setuju", "kirim")),
)
BUTTON_ANSWERS = {"/affirm": True, "/deny": False}
CANCEL = re.compile(
    r"^(?:saya\s+)?(?:batal\w*|(?:tidak|tdk|gak|ga|nggak|ngga|enggak)\s+jadi|stop|berhenti|cancel)"
    r"(?:\s+(?:saja|aja|deh|dulu|ya|dong|mengadu|pengaduan(?:nya)?|saya))*$"
)


def _text(value: Any) -> str:
    return " ".join(str(value).lower().split()) if value is not None else ""


def _mentions(text: str, phrase: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text) is not None


def _first(text: str, vocabulary: Iterable[tuple[Any, Sequence[str]]]) -> Any:
    for value, phrases in vocabulary:
        if any(_mentions(text, phrase) for phrase in phrases):
            return value
    return None


def complainant_type(value: Any) -> str | None:
    """`user` or `reporter`, from a button value or words like "saya pelapor"."""
    return _first(_text(value), COMPLAINANT_TYPES)


def user_role(value: Any, allowed: Sequence[str]) -> str | None:
    """One of the institution's `allowed` roles, from a button value or words like "peminjam"."""
    return _first(_text(value), [(role, words) for role, words in USER_ROLES if role in allowed])


def priority(value: Any) -> str | None:
    """`low`, `medium`, `high` or `emergency`, from a button value or words like "urgent bgt"."""
    return _first(plain(value), PRIORITIES)


def yes_or_no(value: Any) -> bool | None:
    """True or False from the Ya/Tidak buttons or a typed yes/no; None when unsure or neither."""
    if isinstance(value, bool):
        return value
    text = _text(value)
    if text in BUTTON_ANSWERS:
        return BUTTON_ANSWERS[text]
    return _first(text, YES_NO)


def is_cancel(value: Any) -> bool:
    """Whether the whole message asks to stop, like "batal", "tidak jadi" or "stop saja"."""
    return CANCEL.match(re.sub(r"[^\w\s]", "", _text(value)).strip()) is not None


NAME_PREFIXES = re.compile(
    r"^(?:nama\s+(?:lengkap\s+)?saya(?:\s+adalah)?|nama(?:\s+lengkap)?\s*:|saya\s+adalah|saya|"
    r"my\s+name\s+is|name\s*:|i\s+am)\s+",
    re.IGNORECASE,
)
NAME_PATTERN = re.compile(r"^[^\W\d_]+(?:[ .,'’-]+[^\W\d_]+)*\.?$")
NAME_MAX_CHARS = 100
NOT_NAMES = {"halo", "hai", "hi", "hello", "ya", "iya", "tidak", "ok", "oke", "test", "tes"}


def full_name(value: Any) -> str | None:
    """The name without "nama saya ..." and extra spaces; None when it is not a person's name."""
    text = " ".join(str(value or "").split())
    text = NAME_PREFIXES.sub("", text).strip()
    if not 2 <= len(text) <= NAME_MAX_CHARS or not NAME_PATTERN.match(text):
        return None
    if text.lower().strip(".") in NOT_NAMES:
        return None
    return text.title() if text.islower() else text


# Who is writing, when the opening message says it ("saya peminjam di KreditPro ...").
# Only first-person statements count: "teman saya peminjam" says nothing about the writer.
SELF = r"(?:saya|i am|i'm|im)(?:\s+(?:adalah|ini|sebagai|seorang|salah satu|juga|a|an))*"
OPENING_REPORTER = re.compile(
    rf"{SELF}\s+(?:bukan\s+(?:pengguna|nasabah|peminjam|pemberi pinjaman)|pelapor"
    r"|not a (?:user|customer|borrower))"
    r"|(?:sebagai|jadi|dijadikan|as (?:an? )?)\s*kontak darurat|emergency contact"
    r"|saya\s+(?:kontak darurat|keluarga (?:dari )?peminjam|tetangga|atasan|rekan kerja)"
)
OPENING_ROLES = (
    ("representative", r"(?:perwakilan|kuasa)(?:\s+(?:dari|hukum))?(?:\s+nasabah)?|representative"),
    ("lender", r"pemberi pinjaman|pendana|lender|investor"),
    ("borrower", r"peminjam|debitur|borrower|nasabah pinjaman"),
    ("customer", r"nasabah|customer"),
)


RELATIVES = frozenset(
    [
        "teman",
        "kawan",
        "keluarga",
        "suami",
        "istri",
        "anak",
        "ibu",
        "bapak",
        "ayah",
        "adik",
        "kakak",
        "orang",
        "tua",
        "saudara",
        "tetangga",
        "atasan",
        "bos",
        "rekan",
        "pacar",
        "friend",
        "husband",
        "wife",
        "mother",
        "father",
        "brother",
        "sister",
    ]
)


def opening_complainant(value: Any, allowed: Sequence[str]) -> dict[str, str | None]:
    """`complainant_type` (and `user_role`) when the writer says who they are; else empty."""
    text = plain(value)
    if OPENING_REPORTER.search(text):
        return {"complainant_type": "reporter", "user_role": None}
    for role, words in OPENING_ROLES:
        if role in allowed and _says_self(text, words):
            return {"complainant_type": "user", "user_role": role}
    if _says_self(text, r"pengguna|user"):
        return {"complainant_type": "user"}
    return {}


def _says_self(text: str, words: str) -> bool:
    """Whether `text` has "saya <words>" said of the writer (not "teman saya <words>")."""
    for found in re.finditer(rf"(?<!\w){SELF}\s+(?:{words})(?!\w)", text):
        before = text[: found.start()].split()
        if not before or before[-1] not in RELATIVES:
            return True
    return False


# What a customer wants to change at the summary ("ganti nomor hp", "salah nama").
CORRECTABLE: Vocabulary = (
    ("full_name", ("nama", "name")),
    ("contact", ("nomor", "ponsel", "kontak", "telepon", "email", "e-mail", "contact", "phone")),
    ("incident_date", ("tanggal", "waktu kejadian", "kapan", "date", "when")),
    ("loss_amount", ("kerugian", "rugi", "jumlah", "nominal", "loss", "amount")),
    ("priority", ("prioritas", "urgensi", "priority")),
    ("category", ("jenis masalah", "kategori", "problem", "category")),
    ("description", ("uraian", "cerita", "kronologi", "deskripsi", "keterangan", "description")),
    ("complainant_type", ("pengadu", "peran", "complainant", "role")),
)
CORRECTION = re.compile(
    r"(?<!\w)(?:ganti|ubah|ubahkan|koreksi|perbaiki|perbaikan|salah|keliru|ralat|revisi|edit|"
    r"change|correct|fix|wrong|update)(?!\w)"
)


def wants_correction(value: Any) -> bool:
    """Whether the message asks to change something ("ubah data", "ganti nomor hp")."""
    text = str(value or "").lower()
    return CORRECTION.search(text) is not None


def correction_field(value: Any) -> str | None:
    """The slot a correction names ("ganti nomor hp" → contact), or None."""
    text = " ".join(str(value or "").lower().replace("hp", "ponsel").split())
    return _first(text, CORRECTABLE)


# Signs that a complaint may need the emergency priority (the customer decides).
URGENT_SIGNS: Vocabulary = (
    (
        "account_takeover",
        (
            "diambil alih",
            "dibobol",
            "diretas",
            "retas",
            "dihack",
            "tidak bisa login",
            "password diganti",
            "taken over",
            "hacked",
        ),
    ),
    (
        "threat",
        ("mengancam", "diancam", "ancam", "ancaman", "teror", "diteror", "threat", "threatened"),
    ),
)


def urgent_reason(description: Any, category: str | None) -> str | None:
    """`fraud`, `account_takeover` or `threat` when the complaint shows it; None otherwise."""
    text = plain(description)
    found = _first_mention(text, URGENT_SIGNS)
    if found:
        return str(found)
    return "fraud" if category == "fraud" else None


# Opening words that only say what the customer wants, not what happened.
REQUEST_WORDS = frozenset(
    [
        "halo",
        "hallo",
        "hai",
        "hi",
        "hello",
        "selamat",
        "pagi",
        "siang",
        "sore",
        "malam",
        "kak",
        "admin",
        "min",
        "cs",
        "permisi",
        "assalamualaikum",
        "saya",
        "mau",
        "ingin",
        "pengen",
        "akan",
        "mengadu",
        "komplain",
        "complain",
        "pengaduan",
        "aduan",
        "keluhan",
        "lapor",
        "melapor",
        "melaporkan",
        "menyampaikan",
        "sampaikan",
        "buat",
        "membuat",
        "ajukan",
        "mengajukan",
        "bertanya",
        "tanya",
        "pertanyaan",
        "menanyakan",
        "kritik",
        "saran",
        "masukan",
        "memberi",
        "memberikan",
        "kasih",
        "usulan",
        "dong",
        "tolong",
        "bantu",
        "ya",
        "dan",
        "tentang",
        "soal",
        "mengenai",
        "i",
        "want",
        "to",
        "make",
        "a",
        "file",
        "complaint",
        "question",
        "feedback",
        "give",
        "some",
        "have",
        "ada",
        "punya",
        "yang",
    ]
)
MIN_STORY_WORDS = 4


def tells_a_story(value: Any) -> bool:
    """Whether an opening message already describes the matter (not just "saya mau mengadu")."""
    words = [w for w in plain(value).split() if w not in REQUEST_WORDS]
    return len(words) >= MIN_STORY_WORDS


def _first_mention(text: str, vocabulary: Vocabulary) -> Any:
    for value, phrases in vocabulary:
        if any(mentions(text, phrase) for phrase in phrases):
            return value
    return None

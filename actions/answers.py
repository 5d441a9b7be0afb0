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

Vocabulary = Sequence[tuple[str, Sequence[str]]]

COMPLAINANT_TYPES: Vocabulary = (
    (
        "reporter",
        (
            "bukan pengguna",
            "bukan nasabah",
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
    ("low", ("tidak mendesak", "tidak terlalu mendesak", "tidak penting", "rendah", "low")),
    (
        "emergency",
        ("sangat mendesak", "darurat", "emergency", "urgent", "gawat"),
    ),
    ("high", ("mendesak", "tinggi", "penting", "high")),
    ("medium", ("medium", "sedang", "menengah", "biasa", "normal")),
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
    """`low`, `medium`, `high` or `emergency`, from a button value or words like "darurat"."""
    return _first(_text(value), PRIORITIES)


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

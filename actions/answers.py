"""Reads the customer's typed answers to the intake's choice questions.

Each reader takes what the slot holds (a button's value, or the text the customer typed)
and returns the interface value (`user`, `borrower`, `high`, ...) or None when the text
says none of them. The words are data (actions/words/answers.yml); longer phrases are
tried first: "bukan pengguna" is a reporter, "perwakilan nasabah" a representative,
"tidak mendesak" low. What a whole message means (yes, no, stop, change a detail, the
complaint category) is the NLU model's: actions/understanding.py reads it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from actions.chat_words import mentions, plain
from actions.words import word_list

Vocabulary = Sequence[tuple[str, Sequence[str]]]


def vocabulary(name: str) -> Vocabulary:
    """One list of actions/words/answers.yml as (value, phrases) pairs, in file order."""
    return tuple(word_list("answers")[name].items())


def words(name: str) -> frozenset[str]:
    """One plain word list of actions/words/answers.yml."""
    return frozenset(word_list("answers")[name])


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
    return _first(_text(value), vocabulary("complainant_types"))


def user_role(value: Any, allowed: Sequence[str]) -> str | None:
    """One of the institution's `allowed` roles, from a button value or words like "peminjam"."""
    roles = [(role, phrases) for role, phrases in vocabulary("user_roles") if role in allowed]
    return _first(_text(value), roles)


def priority(value: Any) -> str | None:
    """`low`, `medium`, `high` or `emergency`, from a button value or words like "urgent bgt"."""
    return _first(plain(value), vocabulary("priorities"))


NAME_PREFIXES = re.compile(
    r"^(?:nama\s+(?:lengkap\s+)?saya(?:\s+adalah)?|nama(?:\s+lengkap)?\s*:|saya\s+adalah|saya|"
    r"my\s+name\s+is|name\s*:|i\s+am)\s+",
    re.IGNORECASE,
)
NAME_PATTERN = re.compile(r"^[^\W\d_]+(?:[ .,'’-]+[^\W\d_]+)*\.?$")
NAME_MAX_CHARS = 100


def full_name(value: Any) -> str | None:
    """The name without "nama saya ..." and extra spaces; None when it is not a person's name."""
    text = " ".join(str(value or "").split())
    text = NAME_PREFIXES.sub("", text).strip()
    if not 2 <= len(text) <= NAME_MAX_CHARS or not NAME_PATTERN.match(text):
        return None
    if text.lower().strip(".") in words("not_names"):
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
        if not before or before[-1] not in words("relatives"):
            return True
    return False


def urgent_reason(description: Any, category: str | None) -> str | None:
    """`fraud`, `account_takeover` or `threat` when the complaint shows it; None otherwise."""
    text = plain(description)
    found = _first_mention(text, vocabulary("urgent_signs"))
    if found:
        return str(found)
    return "fraud" if category == "fraud" else None


MIN_STORY_WORDS = 4


def tells_a_story(value: Any) -> bool:
    """Whether an opening message already describes the matter (not just "saya mau mengadu")."""
    request_words = words("request_words")
    found = [w for w in plain(value).split() if w not in request_words]
    return len(found) >= MIN_STORY_WORDS


def _first_mention(text: str, vocabulary: Vocabulary) -> Any:
    for value, phrases in vocabulary:
        if any(mentions(text, phrase) for phrase in phrases):
            return value
    return None

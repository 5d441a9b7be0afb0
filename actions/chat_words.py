"""Everyday chat Indonesian made plain: "sy blm trima dana, dc nya ngancem" → standard words.

Customers write "sy", "gk", "blm", "udh", "dc", "pinjol", drop punctuation and make typos.
The readers of answers and categories work on `plain(text)`: lower case, punctuation
removed, slang replaced word by word; `close_to` forgives one or two wrong letters.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

SLANG = {
    "sy": "saya",
    "sya": "saya",
    "aku": "saya",
    "aq": "saya",
    "gue": "saya",
    "gw": "saya",
    "gua": "saya",
    "ane": "saya",
    "gk": "tidak",
    "ga": "tidak",
    "gak": "tidak",
    "nggak": "tidak",
    "ngga": "tidak",
    "enggak": "tidak",
    "engga": "tidak",
    "tdk": "tidak",
    "tak": "tidak",
    "blm": "belum",
    "blum": "belum",
    "lom": "belum",
    "udh": "sudah",
    "udah": "sudah",
    "sdh": "sudah",
    "dah": "sudah",
    "uda": "sudah",
    "dgn": "dengan",
    "yg": "yang",
    "utk": "untuk",
    "krn": "karena",
    "karna": "karena",
    "tp": "tapi",
    "tpi": "tapi",
    "jg": "juga",
    "sm": "sama",
    "aja": "saja",
    "bgt": "banget",
    "bngt": "banget",
    "dc": "debt collector",
    "dcnya": "debt collector",
    "desk": "debt",
    "kolektor": "collector",
    "pinjol": "pinjaman online",
    "ngancem": "mengancam",
    "ngancam": "mengancam",
    "ancem": "ancam",
    "diancem": "diancam",
    "nyebarin": "menyebarkan",
    "nyebar": "menyebarkan",
    "disebarin": "disebarkan",
    "nelpon": "menelepon",
    "nelepon": "menelepon",
    "ditelp": "ditelepon",
    "ditelpon": "ditelepon",
    "telp": "telepon",
    "tlp": "telepon",
    "nagih": "menagih",
    "tf": "transfer",
    "trf": "transfer",
    "ditf": "ditransfer",
    "kepotong": "terpotong",
    "motong": "memotong",
    "kebobol": "dibobol",
    "dihack": "diretas",
    "hack": "retas",
    "hacked": "retas",
    "ngaku": "mengaku",
    "nipu": "menipu",
    "minjem": "meminjam",
    "minjam": "meminjam",
    "pake": "pakai",
    "dipake": "dipakai",
    "kmrn": "kemarin",
    "kmarin": "kemarin",
    "apk": "aplikasi",
    "app": "aplikasi",
    "ketipu": "tertipu",
    "trima": "terima",
    "nerima": "menerima",
    "duit": "uang",
    "dp": "uang muka",
    "hp": "ponsel",
    "no": "nomor",
    "nmr": "nomor",
    "nomer": "nomor",
    "gmn": "bagaimana",
    "gimana": "bagaimana",
    "knp": "kenapa",
    "brp": "berapa",
    "kpn": "kapan",
    "mksh": "terima kasih",
    "lg": "lagi",
    "skrg": "sekarang",
    "bln": "bulan",
    "hr": "hari",
    "mgg": "minggu",
    "jt": "juta",
    "rb": "ribu",
    "cs": "customer service",
    "min": "admin",
}

REDUPLICATION = re.compile(r"\b([a-z]{2,})2\b")  # "cair2" is "cair-cair"
PUNCTUATION = re.compile(r"[^\w\s@+.,/-]|(?<!\d)[.,/-]|[.,/-](?!\d)")
REPEATED_LETTERS = re.compile(r"([a-z])\1{2,}")


def plain(text: object) -> str:
    """Lower case, punctuation gone (but not inside numbers), slang words replaced."""
    lowered = REDUPLICATION.sub(r"\1 \1", str(text or "").lower())
    lowered = REPEATED_LETTERS.sub(r"\1", PUNCTUATION.sub(" ", lowered))
    words = []
    for word in lowered.split():
        stem = word[:-3] if word.endswith("nya") and word[:-3] in SLANG else word
        words.append(SLANG.get(stem, word))
    return " ".join(words)


def mentions(text: str, phrase: str) -> bool:
    """Whether the plain `text` contains `phrase` as whole words (a suffix -nya allowed)."""
    return re.search(rf"(?<!\w){re.escape(phrase)}(?:nya)?(?!\w)", text) is not None


def close_to(word: str, target: str) -> bool:
    """Whether `word` is `target` with a small typo (only for words of six letters or more)."""
    if len(target) < 6 or abs(len(word) - len(target)) > 2:
        return False
    return SequenceMatcher(None, word, target).ratio() >= 0.85


def mentions_loosely(text: str, phrase: str) -> bool:
    """`mentions`, or for a one-word phrase a word of `text` that is a typo of it."""
    if mentions(text, phrase):
        return True
    return " " not in phrase and any(close_to(word, phrase) for word in text.split())

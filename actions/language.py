"""The conversation's language, read from what the customer writes (Indonesian by default).

A lightweight heuristic, no model: words that only English uses against words that only
Indonesian (including chat Indonesian) uses. A clear majority switches the `language`
slot; names, numbers, button payloads and one-word answers leave it as it is.
`action_validate_slot_mappings` runs after every user message and applies it.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker, ValidationAction
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

ENGLISH = frozenset(
    [
        "i",
        "i'm",
        "im",
        "my",
        "me",
        "you",
        "your",
        "we",
        "our",
        "they",
        "the",
        "a",
        "an",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "am",
        "do",
        "does",
        "did",
        "don't",
        "dont",
        "not",
        "want",
        "wanna",
        "would",
        "could",
        "should",
        "can",
        "cannot",
        "can't",
        "will",
        "have",
        "has",
        "had",
        "to",
        "of",
        "for",
        "with",
        "from",
        "about",
        "on",
        "in",
        "at",
        "by",
        "this",
        "that",
        "these",
        "those",
        "what",
        "when",
        "where",
        "why",
        "how",
        "which",
        "who",
        "please",
        "thanks",
        "thank",
        "yes",
        "hello",
        "hey",
        "morning",
        "afternoon",
        "evening",
        "there",
        "here",
        "it",
        "its",
        "and",
        "or",
        "but",
        "if",
        "my",
        "money",
        "loan",
        "loans",
        "lender",
        "borrower",
        "complaint",
        "complain",
        "question",
        "feedback",
        "help",
        "need",
        "still",
        "yet",
        "never",
        "already",
        "got",
        "get",
        "received",
        "paid",
        "payment",
        "account",
        "hacked",
        "threatened",
        "collector",
        "someone",
        "anyone",
        "officer",
        "human",
        "person",
        "talk",
        "speak",
        "check",
        "status",
        "number",
        "days",
        "ago",
        "yesterday",
        "today",
        "week",
        "month",
        "disagree",
        "resolution",
    ]
)
INDONESIAN = frozenset(
    [
        "saya",
        "sy",
        "aku",
        "gue",
        "gw",
        "kami",
        "kita",
        "anda",
        "kamu",
        "mau",
        "ingin",
        "pengen",
        "tidak",
        "gak",
        "ga",
        "nggak",
        "enggak",
        "tdk",
        "belum",
        "blm",
        "sudah",
        "udah",
        "udh",
        "sdh",
        "yang",
        "yg",
        "dan",
        "di",
        "ke",
        "dari",
        "ini",
        "itu",
        "apa",
        "apakah",
        "bagaimana",
        "gimana",
        "kapan",
        "berapa",
        "kenapa",
        "mengapa",
        "dimana",
        "tolong",
        "mohon",
        "kak",
        "min",
        "dong",
        "deh",
        "sih",
        "kok",
        "ya",
        "nya",
        "juga",
        "jg",
        "tapi",
        "tp",
        "karena",
        "krn",
        "untuk",
        "utk",
        "dengan",
        "dgn",
        "ada",
        "bisa",
        "boleh",
        "terima",
        "kasih",
        "makasih",
        "halo",
        "hai",
        "selamat",
        "pagi",
        "siang",
        "sore",
        "malam",
        "pinjaman",
        "dana",
        "uang",
        "bunga",
        "denda",
        "cair",
        "ditagih",
        "penagih",
        "pengaduan",
        "mengadu",
        "komplain",
        "keluhan",
        "pertanyaan",
        "bertanya",
        "tanya",
        "saran",
        "kritik",
        "status",
        "nomor",
        "hari",
        "lalu",
        "kemarin",
        "minggu",
        "bulan",
        "petugas",
        "manusia",
        "batal",
        "bayar",
        "sudah",
        "lunas",
        "tagihan",
        "akun",
        "data",
        "tolong",
        "sekali",
        "banget",
        "bgt",
        "aja",
        "saja",
    ]
)
WORD = re.compile(r"[a-z']+")
LANGUAGES = ("id", "en")


def detect_language(text: object) -> str | None:
    """`en` or `id` when the words say so clearly; None for names, numbers and payloads."""
    message = str(text or "").strip().lower()
    if not message or message.startswith("/"):
        return None
    words = WORD.findall(message)
    english = sum(1 for word in words if word in ENGLISH and word not in INDONESIAN)
    indonesian = sum(1 for word in words if word in INDONESIAN and word not in ENGLISH)
    if english >= 2 and english > 2 * indonesian:
        return "en"
    if indonesian >= 2 and indonesian > 2 * english:
        return "id"
    return None


class ActionValidateSlotMappings(ValidationAction):
    """After every user message: switches `language` when the customer writes in the other one."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        """Only extraction: the global slots need no validation here."""
        return await self.get_extraction_events(dispatcher, tracker, domain)

    def extract_language(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The language of the latest message when it is clear and differs from the slot."""
        detected = detect_language(tracker.latest_message.get("text"))
        if detected is None or detected == tracker.get_slot("language"):
            return {}
        return {"language": detected}

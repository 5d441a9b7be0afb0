"""A customer of the load benchmark: a complaint intake driven by what the bot answers (pure).

Each conversation follows one of a few personas (texts vary between them): a greeting,
maybe a question first, the complaint (who is writing, what happened, when, the loss,
the priority, name and contact, confirm), then maybe a status check or a question, then
"no, nothing else" and a rating. The customer reads the bot's last answer, recognises
the question it asks (the texts of domain.yml and actions/messages/id.yml), and answers
it: with the offered button's payload, as a person clicking it, or with typed text. So a
form that skips a question it already knows, or asks one again, is followed.

`Customer.reply(answer)` gives the next message, or None when the conversation is over:
`outcome` then says whether it ended as planned ("finished") or the customer did not
recognise the answer ("lost", the texts kept in `lost_on`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from backend.domain.register_number import REGISTER_NUMBER_PATTERN

Answer = list[dict[str, Any]]

MAX_TURNS = 40  # a conversation longer than this is lost in a loop
MAX_REPEATS = 3  # the same question (or none) this often in a row: the answer is not taken
TYPED_START = "saya mau mengadu"
START_BUTTON = "Sampaikan pengaduan"
NO_LOSS_BUTTON = "Tidak ada kerugian"
NOTHING_ELSE_BUTTON = "Tidak"
THANKS = "terima kasih"
# What the bot says, lower case, and what the customer does about it. The first cue found
# in the last message that has one decides; later messages of an answer come first.
CUES: tuple[tuple[str, str], ...] = (
    ("penilaian anda sangat berharga", "finished"),
    ("menilai percakapan", "rating"),
    ("apakah data sudah benar", "confirm"),
    ("belum menangkap jawabannya", "confirm"),
    ("menghubungi kami sebagai siapa", "role"),
    ("sebagai peminjam atau pemberi pinjaman", "role"),
    ("ceritakan masalah anda", "description"),
    ("uraian anda terlalu singkat", "description"),
    ("paling dekat dengan yang mana", "category"),
    ("kapan kejadiannya", "incident"),
    ("tanggal itu belum dapat kami pahami", "incident"),
    ("mengalami kerugian uang", "loss"),
    ("jumlah kerugian dalam rupiah", "loss"),
    ("seberapa mendesak", "priority"),
    ("nama lengkap anda", "name"),
    ("nomor ponsel atau alamat e-mail", "contact"),
    ("bukan nomor ponsel yang valid", "contact"),
    ("alamat e-mail itu tidak valid", "contact"),
    ("nomor ponsel (misalnya", "contact"),
    ("ingin kami teruskan kepada petugas", "decline"),
    ("tuliskan nomor register pengaduan anda", "register_number"),
    ("hal lain yang dapat kami bantu", "anything_else"),
    ("beritahu kami kebutuhan anda", "start"),
    ("sampaikan kebutuhan anda", "start"),
)
FORM_QUESTIONS = frozenset(
    {"role", "description", "category", "incident", "loss", "priority", "name", "contact"}
)


@dataclass(frozen=True)
class Persona:
    """One customer's texts. `None` where a button is clicked rather than text typed."""

    opening: str
    start: str | None  # typed to start the complaint; None: click "Sampaikan pengaduan"
    role: str  # title of the button of who is writing
    description: str
    category: str  # title of the category button, when the bot has to ask
    incident: str
    loss: str | None  # None: click "Tidak ada kerugian uang"
    priority: str  # title of the priority button (never "Darurat": that calls an agent)
    name: str
    contact: str
    rating: str  # title of the rating button
    before: tuple[str, ...] = ()  # asked after the greeting, before the complaint
    after: tuple[str, ...] = ()  # after the case; "{register_number}" is filled in


PERSONAS: tuple[Persona, ...] = (
    Persona(
        opening="halo",
        start=None,
        role="Peminjam",
        description="Dana pinjaman saya belum cair padahal sudah disetujui tiga hari yang lalu",
        category="Transaksi",
        incident="3 hari lalu",
        loss=None,
        priority="Tinggi",
        name="Budi Santoso",
        contact="0812-3456-7890",
        rating="5",
        after=("status {register_number}",),
    ),
    Persona(
        opening="selamat pagi",
        start="saya mau mengadu",
        role="Peminjam",
        description="Bunga dan dendanya jauh lebih besar dari perjanjian yang saya tanda tangani",
        category="Bunga",
        incident="2 minggu lalu",
        loss="Rp 1.500.000",
        priority="Sedang",
        name="Siti Aminah",
        contact="siti.aminah@yahoo.co.id",
        rating="4",
        before=("jam operasional layanan pengaduan kapan ya?",),
    ),
    Persona(
        opening="halo min",
        start="mau lapor masalah",
        role="Pemberi pinjaman",
        description="Pengembalian dana dari peminjam tidak masuk ke rekening saya sejak bulan lalu",
        category="Transaksi",
        incident="kemarin",
        loss="5jt",
        priority="Rendah",
        name="Agus Salim",
        contact="0813-1111-2222",
        rating="5",
        after=("berapa lama pengaduan saya ditangani?", "cek status {register_number}"),
    ),
    Persona(
        opening="permisi",
        start=None,
        role="Peminjam",
        description="Penagih dari aplikasi menelepon kantor saya terus dan berkata kasar",
        category="Penagihan",
        incident="kemarin",
        loss=None,
        priority="Sedang",
        name="Dewi Lestari",
        contact="0857-2222-3333",
        rating="3",
        after=("apakah data saya dirahasiakan?",),
    ),
    Persona(
        opening="halo",
        start="saya mau komplain",
        role="Peminjam",
        description="Cicilan saya sudah dipotong dari rekening tapi belum tercatat di aplikasi",
        category="Transaksi",
        incident="4 hari lalu",
        loss="Rp 2.000.000",
        priority="Tinggi",
        name="Rina Wulandari",
        contact="0812-9876-5432",
        rating="5",
        before=("apa saja syarat pengaduan?",),
        after=("status {register_number}",),
    ),
)


def texts(answer: Answer) -> str:
    """The texts of an answer's messages, one per line."""
    return "\n".join(str(m.get("text") or "") for m in answer)


def buttons(answer: Answer) -> list[dict[str, Any]]:
    return [b for m in answer for b in (m.get("buttons") or []) if isinstance(b, dict)]


def click(answer: Answer, title: str) -> str | None:
    """The payload of the first button whose title contains `title` (any case), if any."""
    for button in buttons(answer):
        if title.lower() in str(button.get("title", "")).lower():
            return str(button.get("payload", ""))
    return None


def question_of(answer: Answer) -> str | None:
    """What the bot's answer asks for (a CUES kind), judged by its last message that asks."""
    for message in reversed(answer):
        text = str(message.get("text") or "").lower()
        for cue, kind in CUES:
            if cue in text:
                return kind
    return None


def register_number_in(answer: Answer) -> str | None:
    found = re.search(REGISTER_NUMBER_PATTERN, texts(answer))
    return found.group(0) if found else None


@dataclass
class Customer:
    """One conversation of one persona; `reply` to each answer until it returns None."""

    persona: Persona
    turns: int = 0
    started: bool = False  # the complaint has begun
    register_number: str | None = None
    outcome: str = ""  # "finished" | "lost" once over
    lost_on: str = ""  # the last message sent and the answer not recognised
    last_sent: str = ""
    _before: list[str] = field(default_factory=list)
    _after: list[str] = field(default_factory=list)
    _last_kind: str | None = None
    _repeats: int = 0

    def __post_init__(self) -> None:
        self._before = list(self.persona.before)
        self._after = list(self.persona.after)

    def opening(self) -> str:
        """The first message of the conversation."""
        self.turns = 1
        self.last_sent = self.persona.opening
        return self.persona.opening

    def reply(self, answer: Answer) -> str | None:
        """The next message given the bot's answer to the last one; None: the end."""
        self.register_number = register_number_in(answer) or self.register_number
        kind = question_of(answer)
        self._repeats = self._repeats + 1 if kind == self._last_kind else 1
        self._last_kind = kind
        if self._repeats >= MAX_REPEATS or self.turns >= MAX_TURNS:
            self._lose(answer)
            return None
        message = self._answer_to(kind, answer)
        if message is None:
            return None
        self.turns += 1
        self.last_sent = message
        return message

    def _answer_to(self, kind: str | None, answer: Answer) -> str | None:
        persona = self.persona
        if kind == "finished":
            self.outcome = "finished"
            return None
        if kind in FORM_QUESTIONS:
            self.started = True
        if kind == "role":
            return self._click_or_type(answer, persona.role)
        if kind == "description":
            return persona.description
        if kind == "category":
            return self._click_or_type(answer, persona.category)
        if kind == "incident":
            return persona.incident
        if kind == "loss":
            return persona.loss or self._click_or_type(answer, NO_LOSS_BUTTON)
        if kind == "priority":
            return self._click_or_type(answer, persona.priority)
        if kind == "name":
            return persona.name
        if kind == "contact":
            return persona.contact
        if kind == "confirm":
            return self._click_or_type(answer, "Ya")
        if kind == "rating":
            return self._click_or_type(answer, persona.rating)
        if kind == "decline":
            return self._click_or_type(answer, NOTHING_ELSE_BUTTON)
        if kind == "register_number" and self.register_number is not None:
            return self.register_number
        if self.register_number is None and not self.started:
            return self._before_complaint(answer)
        if self.register_number is not None:
            return self._after_complaint(kind, answer)
        self._lose(answer)  # in the middle of the form, a question we do not know
        return None

    def _before_complaint(self, answer: Answer) -> str:
        """A greeting or a question's answer: the next question, else the complaint begins."""
        if self._before:
            return self._before.pop(0)
        self.started = True
        if self.persona.start is not None:
            return self.persona.start
        return click(answer, START_BUTTON) or TYPED_START

    def _after_complaint(self, kind: str | None, answer: Answer) -> str | None:
        """The case is registered: a status check or a question, then nothing else."""
        if self._after:
            return self._after.pop(0).format(register_number=self.register_number)
        if kind == "anything_else":
            return self._click_or_type(answer, NOTHING_ELSE_BUTTON)
        return THANKS  # the bot answered without asking more: "Sama-sama", anything else?

    @staticmethod
    def _click_or_type(answer: Answer, title: str) -> str:
        return click(answer, title) or title

    def _lose(self, answer: Answer) -> None:
        self.outcome = "lost"
        self.lost_on = f"{self.last_sent!r} → {texts(answer)[:300]!r}"

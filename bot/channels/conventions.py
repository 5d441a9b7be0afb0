"""What platform inputs that are not plain text become, and the few replies sent without the bot.

Commands and attachments reach Rasa as intent payloads (`/intent{"entity": "value"}`), the
way a button's payload does. The fixed replies are in both languages because they go out
before the conversation's language is known.
"""

from __future__ import annotations

import json

START_MESSAGE = "/greet"
STATUS_INTENT = "/check_status"
DOCUMENT_MESSAGE = "/send_document"
MAX_REGISTER_NUMBER_CHARS = 32

UNSUPPORTED_REPLY = (
    "Maaf, jenis pesan ini belum dapat kami proses. Silakan kirim pesan teks, foto, atau dokumen."
    "\n\nSorry, we cannot handle this kind of message yet. Please send text, a photo or a document."
)
TOO_LONG_REPLY = (
    "Maaf, pesan Anda terlalu panjang. Mohon kirim dalam beberapa pesan yang lebih pendek."
    "\n\nSorry, your message is too long. Please send it as a few shorter messages."
)
EXPIRED_BUTTON_REPLY = (
    "Maaf, pilihan ini sudah tidak berlaku. Silakan ketik jawaban Anda."
    "\n\nSorry, this choice is no longer available. Please type your answer."
)
CHOOSE_PROMPT = "Silakan pilih / Please choose:"
LIST_BUTTON_LABEL = "Pilih / Choose"


def status_message(register_number: str | None) -> str:
    """`/status KP-…` as the bot's status intent, the register number as its entity."""
    number = (register_number or "").strip()[:MAX_REGISTER_NUMBER_CHARS]
    if not number:
        return STATUS_INTENT
    return STATUS_INTENT + json.dumps({"register_number": number}, separators=(",", ":"))

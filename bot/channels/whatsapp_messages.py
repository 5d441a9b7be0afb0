"""WhatsApp Cloud API shapes: webhook messages in, Graph API message bodies out (no I/O)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from backend.services.ports import Answer
from bot.channel_senders import split_text
from bot.channels.button_payloads import ButtonPayloads
from bot.channels.conventions import CHOOSE_PROMPT, DOCUMENT_MESSAGE, LIST_BUTTON_LABEL

MAX_TEXT_CHARS = 4096
MAX_BODY_CHARS = 1024
MAX_REPLY_BUTTONS = 3
BUTTON_TITLE_CHARS = 20
BUTTON_ID_CHARS = 256
MAX_LIST_ROWS = 10
ROW_TITLE_CHARS = 24
ROW_DESCRIPTION_CHARS = 72
ROW_ID_CHARS = 200
DOCUMENT_TYPES = ("image", "document")


@dataclass(frozen=True)
class WhatsAppMessage:
    """One user message of a webhook payload: its id, sender, type and the raw object."""

    id: str
    wa_id: str
    type: str
    raw: dict[str, Any]
    sent_at: datetime | None = None

    @property
    def conversation_id(self) -> str:
        return f"whatsapp-{self.wa_id}"


@dataclass(frozen=True)
class Translated:
    """What a message becomes: text for the bot (None: unsupported), and whether it is a click."""

    text: str | None
    metadata: dict[str, Any] = field(default_factory=dict)
    clicked: bool = False
    title: str | None = None  # the title of the button or row clicked, as WhatsApp shows it


def user_messages(payload: object, phone_number_id: str) -> list[WhatsAppMessage]:
    """The user messages sent to our number; statuses and anything else are left out."""
    found: list[WhatsAppMessage] = []
    for value in _message_values(payload):
        metadata = value.get("metadata")
        number = metadata.get("phone_number_id") if isinstance(metadata, dict) else None
        if str(number) != phone_number_id:
            continue
        for message in value.get("messages") or []:
            if not isinstance(message, dict):
                continue
            message_id, sender = message.get("id"), message.get("from")
            if not isinstance(message_id, str) or not isinstance(sender, str):
                continue
            if not message_id or not sender.isdigit():
                continue
            kind = str(message.get("type") or "unknown")
            sent_at = _sent_at(message.get("timestamp"))
            found.append(WhatsAppMessage(message_id, sender, kind, message, sent_at))
    return found


def translate(message: WhatsAppMessage) -> Translated:
    """Text and clicks as the bot's message, images and documents as supporting documents."""
    raw = message.raw
    if message.type == "text":
        return Translated(_get(raw, "text", "body"))
    if message.type == "interactive":
        reply = _get(raw, "interactive", "button_reply") or _get(raw, "interactive", "list_reply")
        reply_id = reply.get("id") if isinstance(reply, dict) else None
        if isinstance(reply_id, str):
            title = reply.get("title") if isinstance(reply, dict) else None
            shown = title if isinstance(title, str) else None
            return Translated(reply_id, clicked=True, title=shown)
    if message.type == "button":
        button = raw.get("button")
        if isinstance(button, dict):
            text = button.get("text")
            return Translated(
                str(button.get("payload") or text or ""),
                title=text if isinstance(text, str) else None,
            )
    if message.type in DOCUMENT_TYPES and isinstance(media := raw.get(message.type), dict):
        return Translated(DOCUMENT_MESSAGE, {"attachment": _attachment(message.type, media)})
    return Translated(None, {"unsupported": message.type})


def graph_messages(to: str, answer: Answer, payloads: ButtonPayloads) -> list[dict[str, Any]]:
    """One bot answer as Graph API messages: text, then reply buttons or a list, then its image."""
    buttons = [b for b in answer.get("buttons") or [] if isinstance(b, dict) and b.get("title")]
    text = answer.get("text") or ""
    messages: list[dict[str, Any]] = []
    if buttons:
        pieces = split_text(text or CHOOSE_PROMPT, MAX_BODY_CHARS)
        messages += [text_message(to, piece) for piece in pieces[:-1]]
        messages.append(choice_message(to, pieces[-1], buttons, payloads))
    elif text:
        messages += [text_message(to, piece) for piece in split_text(text, MAX_TEXT_CHARS)]
    if isinstance(image := answer.get("image"), str) and image:
        messages.append(_message(to, "image", {"link": image}))
    return messages


def text_message(to: str, body: str) -> dict[str, Any]:
    """A plain text message (links are not previewed)."""
    return _message(to, "text", {"preview_url": False, "body": body})


def choice_message(
    to: str, body: str, buttons: Sequence[dict[str, Any]], payloads: ButtonPayloads
) -> dict[str, Any]:
    """Up to 3 choices as reply buttons (titles cut to 20), more as a list of up to 10 rows."""
    titles = [_cut(str(b["title"]), BUTTON_TITLE_CHARS) for b in buttons]
    if len(buttons) <= MAX_REPLY_BUTTONS and len(set(titles)) == len(titles):
        action: dict[str, Any] = {
            "buttons": [
                {
                    "type": "reply",
                    "reply": {"id": payloads.encode(_payload(b), BUTTON_ID_CHARS), "title": title},
                }
                for b, title in zip(buttons, titles, strict=True)
            ]
        }
        kind = "button"
    else:
        action = {
            "button": LIST_BUTTON_LABEL,
            "sections": [{"rows": [_row(b, payloads) for b in buttons[:MAX_LIST_ROWS]]}],
        }
        kind = "list"
    return _message(to, "interactive", {"type": kind, "body": {"text": body}, "action": action})


def template_message(to: str, name: str, language: str) -> dict[str, Any]:
    """An approved template: the only message allowed outside the 24-hour window."""
    return _message(to, "template", {"name": name, "language": {"code": language}})


def _message(to: str, kind: str, content: dict[str, Any]) -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": kind,
        kind: content,
    }


def _row(button: dict[str, Any], payloads: ButtonPayloads) -> dict[str, Any]:
    title = str(button["title"])
    row = {
        "id": payloads.encode(_payload(button), ROW_ID_CHARS),
        "title": _cut(title, ROW_TITLE_CHARS),
    }
    if len(title) > ROW_TITLE_CHARS:
        row["description"] = _cut(title, ROW_DESCRIPTION_CHARS)
    return row


def _payload(button: dict[str, Any]) -> str:
    return str(button.get("payload") or button["title"])


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _attachment(kind: str, media: dict[str, Any]) -> dict[str, Any]:
    found = {
        "kind": kind,
        "media_id": media.get("id"),
        "mime_type": media.get("mime_type"),
        "sha256": media.get("sha256"),
        "file_name": media.get("filename"),
        "caption": media.get("caption"),
    }
    return {key: value for key, value in found.items() if value is not None}


def _message_values(payload: object) -> list[dict[str, Any]]:
    if not isinstance(payload, dict) or payload.get("object") != "whatsapp_business_account":
        return []
    values = []
    for entry in payload.get("entry") or []:
        for change in (entry.get("changes") or []) if isinstance(entry, dict) else []:
            value = change.get("value") if isinstance(change, dict) else None
            if isinstance(value, dict) and change.get("field") == "messages":
                values.append(value)
    return values


def _get(raw: dict[str, Any], outer: str, inner: str) -> Any:
    container = raw.get(outer)
    return container.get(inner) if isinstance(container, dict) else None


def _sent_at(timestamp: object) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(str(timestamp)), UTC)
    except (ValueError, OverflowError, OSError):
        return None

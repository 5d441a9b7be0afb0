"""A web conversation's transcript as the widget shows it after a reload.

User messages that are button payloads show the button's title; payloads the widget
sends by itself (`/greet`) are left out; uploads show as attachments. Bot and agent
messages keep their Rasa shape (text, buttons, image).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from backend.services.conversations import conversation_messages
from backend.services.records import Message
from backend.services.unit_of_work import Sessions

MAX_ITEMS = 300


def transcript_items(messages: Sequence[Message]) -> list[dict[str, Any]]:
    """The widget's view of a transcript, oldest first (at most the last MAX_ITEMS)."""
    items: list[dict[str, Any]] = []
    offered: dict[str, str] = {}
    for message in messages:
        payload = message.payload if isinstance(message.payload, dict) else {}
        item: dict[str, Any] = {"id": message.id, "sender": message.sender}
        if message.sender == "user":
            attachment = payload.get("attachment")
            if isinstance(attachment, dict):
                item["attachment"] = {
                    key: attachment.get(key) for key in ("filename", "content_type", "size")
                }
            elif message.text.startswith("/"):
                if message.text not in offered:
                    continue
                item["text"] = offered[message.text]
            else:
                item["text"] = message.text
            offered = {}
        else:
            text = payload.get("text") if isinstance(payload.get("text"), str) else message.text
            item["text"] = text or ""
            buttons = _buttons(payload.get("buttons"))
            if buttons:
                item["buttons"] = buttons
                offered.update({button["payload"]: button["title"] for button in buttons})
            image = payload.get("image")
            if isinstance(image, str) and image:
                item["image"] = image
        items.append(item)
    return items[-MAX_ITEMS:]


def _buttons(raw: object) -> list[dict[str, str]]:
    if not isinstance(raw, list):
        return []
    return [
        {"title": str(button["title"]), "payload": str(button.get("payload") or button["title"])}
        for button in raw
        if isinstance(button, dict) and button.get("title")
    ]


async def load_transcript(sessions: Sessions, conversation_id: str) -> list[dict[str, Any]]:
    """The widget's view of the stored transcript of a conversation."""
    async with sessions.session() as session:
        messages = await conversation_messages(session, conversation_id)
    return transcript_items(messages)

"""A web conversation's transcript as the widget shows it after a reload.

User messages that are button payloads show the button's title; payloads the widget
sends by itself (`/greet`) are left out; uploads show as attachments. Bot and agent
messages keep their Rasa shape (text, buttons, image).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from backend.services.conversations import conversation_messages
from backend.services.message_views import MessageView
from backend.services.records import Message
from backend.services.unit_of_work import Sessions

MAX_ITEMS = 300


def transcript_items(messages: Sequence[Message]) -> list[dict[str, Any]]:
    """The widget's view of a transcript, oldest first (at most the last MAX_ITEMS)."""
    items: list[dict[str, Any]] = []
    offered: dict[str, str] = {}
    for view in map(MessageView.of, messages):
        item: dict[str, Any] = {"id": view.id, "sender": view.sender}
        if view.sender == "user":
            if view.attachment is not None:
                item["attachment"] = {
                    key: view.attachment.get(key) for key in ("filename", "content_type", "size")
                }
            elif view.text.startswith("/"):
                if view.text not in offered:
                    continue
                item["text"] = offered[view.text]
            else:
                item["text"] = view.text
            offered = {}
        else:
            item["text"] = view.text
            if buttons := view.buttons:
                item["buttons"] = buttons
                offered.update({button["payload"]: button["title"] for button in buttons})
            if view.image is not None:
                item["image"] = view.image
        items.append(item)
    return items[-MAX_ITEMS:]


async def load_transcript(sessions: Sessions, conversation_id: str) -> list[dict[str, Any]]:
    """The widget's view of the stored transcript of a conversation."""
    async with sessions.session() as session:
        messages = await conversation_messages(session, conversation_id)
    return transcript_items(messages)

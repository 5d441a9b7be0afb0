"""A web conversation's transcript as the widget shows it after a reload.

User messages show what the customer saw (the clicked button's title, stored beside the
payload); payloads the widget sends by itself (`/greet`) are left out; uploads show as
attachments. Bot and agent messages keep their Rasa shape (text, buttons, image) with the
agent's name and a note's kind; every item has its time. `answers_after` is what a widget
that saw the messages up to some id missed of the bot's and the agents' messages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from backend import services
from backend.services.conversations import conversation_messages
from backend.services.handoff import transcript
from backend.services.message_views import MessageView
from backend.services.records import Message
from backend.services.unit_of_work import Sessions

MAX_ITEMS = 300
MAX_MISSED = 300
PAGE = 1000  # handoff.transcript's page


def transcript_items(
    messages: Sequence[Message], attached: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """The widget's view of a transcript, oldest first (at most the last MAX_ITEMS).

    Each item has what the live widget showed: a click's title, an upload's name and
    whether it was attached (the "document received" note), the agent's name, a note's
    kind, and the time (`created_at`, ISO 8601). An upload sent before the chat had a case
    and attached since (`attached`: the case documents' checksums and register numbers)
    shows as attached, as the live widget's note says once the case is registered.
    """
    items: list[dict[str, Any]] = []
    offered: dict[str, str] = {}
    for view in map(MessageView.of, messages):
        item: dict[str, Any] = {"id": view.id, "sender": view.sender}
        if view.sender == "user":
            if view.attachment is not None:
                item["attachment"] = {
                    key: view.attachment.get(key)
                    for key in ("filename", "content_type", "size", "register_number")
                }
                if not item["attachment"]["register_number"] and attached:
                    checksum = str(view.attachment.get("sha256") or "")
                    item["attachment"]["register_number"] = attached.get(checksum)
            elif view.display is not None:
                item["text"] = view.display
            elif view.text.startswith("/"):
                if view.text not in offered:
                    continue  # what the widget sends by itself (`/greet`)
                item["text"] = offered[view.text]
            else:
                item["text"] = view.text
            if view.created_at is not None:
                item["created_at"] = view.created_at.isoformat()
            offered = {}
        else:
            item.update(view.widget_fields())
            for key in ("attachment", "buttons"):
                item.pop(key, None)
            if buttons := view.buttons:
                item["buttons"] = buttons
                offered.update({button["payload"]: button["title"] for button in buttons})
            item["text"] = view.text
        items.append(item)
    return items[-MAX_ITEMS:]


async def load_transcript(sessions: Sessions, conversation_id: str) -> list[dict[str, Any]]:
    """The widget's view of the stored transcript of a conversation."""
    async with sessions.session() as session:
        messages = await conversation_messages(session, conversation_id)
        attached: dict[str, str] = {}
        if any(MessageView.of(message).attachment is not None for message in messages):
            for case in await services.list_cases_for_conversation(session, conversation_id):
                _, documents = await services.list_documents(session, case.register_number)
                for document in documents:
                    attached.setdefault(document.sha256, case.register_number)
    return transcript_items(messages, attached)


async def answers_after(
    sessions: Sessions, conversation_id: str, after: int
) -> list[tuple[str, dict[str, Any]]]:
    """The bot's and agents' messages with an id above `after`, oldest first, as
    (sender, message in Rasa's REST shape with its `id`); at most the last MAX_MISSED."""
    missed: list[tuple[str, dict[str, Any]]] = []
    while True:
        async with sessions.session() as session:
            page = await transcript(session, conversation_id, after, limit=PAGE)
        for view in map(MessageView.of, page):
            if view.sender != "user":
                missed.append((view.sender, {**view.widget_fields(), "id": view.id}))
        if not page or len(page) < PAGE:
            break
        after = page[-1].id
        missed = missed[-MAX_MISSED:]
    return missed[-MAX_MISSED:]

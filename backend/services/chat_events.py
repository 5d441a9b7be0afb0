"""The events published about a chat on the event bus, and the topic they go to.

{"type": "turn", "message_id", "state": "done" | "late"}      a user message's turn ended
    (+ "answers": [...] on the chat's topic when it was answered inline: the bot's messages,
    recorded before, in Rasa's REST shape, so a REST caller need not read them back)
{"type": "answers", "sender", "messages": [...], "reply_to"?}  messages for the widget
"""

from __future__ import annotations

from typing import Any

# Every chat's comings and goings, for the console's queue.
CHATS_TOPIC = "chats"


def chat_topic(conversation_id: str) -> str:
    """The bus topic of one conversation."""
    return f"chat:{conversation_id}"


def turn_event(
    message_id: int, state: str, answers: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """A user message was answered (`done`) or will be answered later (`late`)."""
    event: dict[str, Any] = {"type": "turn", "message_id": message_id, "state": state}
    if answers is not None:
        event["answers"] = answers
    return event


def message_event(message_id: int) -> dict[str, Any]:
    """A user message was stored (the console shows it before the bot answers)."""
    return {"type": "message", "message_id": message_id}

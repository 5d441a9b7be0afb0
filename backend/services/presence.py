"""Who is in a customer's chat: the notes when an agent joins or leaves, the place in the queue.

The notes are the bot's messages with a `notice` (`agent_joined`, `agent_left`) and the
agent's name, in the conversation's language; their words live in `presence_notices.yml`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from string import Template
from typing import Any

import yaml
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import queue_repository
from backend.domain.handoff import QueueEntry, priority_of_rank
from backend.domain.personal_data import mask_digits
from backend.domain.waiting import queue_place
from backend.services.chat_events import chat_topic
from backend.services.conversations import get_conversation
from backend.services.handoff import current_agent
from backend.services.ports import EventBus

log = logging.getLogger(__name__)

NOTICES = Path(__file__).with_name("presence_notices.yml")
AGENT_JOINED = "agent_joined"
AGENT_LEFT = "agent_left"

NO_AGENT = 0  # the place asked by the customer, not by an agent (no unread counts)
QUEUE_PLACE_LIMIT = 1000  # a chat further back is told no place (None)


@cache
def _notices() -> dict[str, Any]:
    loaded = yaml.safe_load(NOTICES.read_text(encoding="utf-8"))
    return loaded if isinstance(loaded, dict) else {}


def presence_note(notice: str, language: str | None, agent_name: str) -> dict[str, Any]:
    """The note (Rasa's REST shape plus `notice`) telling the customer an agent joined or left."""
    texts = _notices()[notice]
    text = Template(str(texts.get(language or "id") or texts["id"])).safe_substitute(
        agent=agent_name
    )
    return {"text": text, "notice": notice, "agent_name": agent_name}


async def queue_position(session: AsyncSession, conversation_id: str) -> int | None:
    """The chat's place (1 = next) among the chats waiting for an agent, ordered as the
    console's queue (priority, then waiting since); None when it does not wait."""
    rows = await queue_repository.chats(
        session, holder="unassigned", agent_id=NO_AGENT, limit=QUEUE_PLACE_LIMIT
    )
    await session.commit()
    entries = [
        QueueEntry(
            kind="chat",
            priority=priority_of_rank(row.rank),
            due_at=row.requested_at,
            title=row.conversation_id,
            channel=row.channel,
            state="waiting",
            conversation_id=row.conversation_id,
        )
        for row in rows
    ]
    return queue_place(entries, conversation_id)


async def chat_presence(session: AsyncSession, conversation_id: str) -> dict[str, Any]:
    """`handled_by` (bot or agent), the holding agent's name, and the queue place if waiting."""
    conversation = await get_conversation(session, conversation_id)
    handled_by = conversation.handled_by if conversation is not None else "bot"
    agent = await current_agent(session, conversation_id) if handled_by == "agent" else None
    place = None
    if handled_by == "agent" and agent is None:
        place = await queue_position(session, conversation_id)
    return {
        "handled_by": handled_by,
        "agent_name": agent.name if agent is not None else None,
        "queue_position": place,
    }


async def announce_typing(
    bus: EventBus, conversation_id: str, who: str, name: str | None = None
) -> None:
    """Tell the chat's other side that `who` (user or agent) types; only a hint, may be lost."""
    event: dict[str, Any] = {"type": "typing", "who": who}
    if name:
        event["agent_name"] = name
    try:
        await bus.publish(chat_topic(conversation_id), event)
    except Exception:
        log.info("typing in %s not announced", mask_digits(conversation_id))


def is_typing(event: Mapping[str, Any], who: str) -> bool:
    """Whether a bus event says that `who` types."""
    return event.get("type") == "typing" and event.get("who") == who

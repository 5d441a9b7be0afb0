"""Use cases of chats: the transcript, who handles the chat, the customer's rating."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import repository
from backend.db.tables import Conversation, Message, Rating
from backend.domain.conversation_ids import check_channel
from backend.domain.refusal import NotFound
from backend.schemas import InvalidField

SENDERS = frozenset({"user", "bot", "agent"})
HANDLERS = frozenset({"bot", "agent"})


class ConversationNotFound(NotFound):
    """No conversation has this id."""

    what = "conversation"


async def record_message(
    session: AsyncSession,
    conversation_id: str,
    channel: str,
    sender: str,
    text: str,
    payload: Any = None,
    *,
    now: datetime | None = None,
) -> Conversation:
    """Append a message to the transcript, opening the conversation on its first message.

    ChannelMismatch when the conversation belongs to another channel (nothing is stored).
    """
    if sender not in SENDERS:
        raise ValueError(f"unknown sender {sender!r}")
    check_channel(conversation_id, channel)
    now = now or datetime.now(UTC)
    conversation = await repository.ensure_conversation(session, conversation_id, channel, now)
    check_channel(conversation_id, channel, conversation.channel)
    repository.add_message(
        session,
        Message(
            conversation_id=conversation_id,
            sender=sender,
            text=text,
            payload=payload,
            created_at=now,
        ),
    )
    conversation.updated_at = now
    await session.commit()
    return conversation


async def open_conversation(
    session: AsyncSession, conversation_id: str, channel: str, *, now: datetime | None = None
) -> bool:
    """Open the conversation for `channel` (True) or find it open (False).

    ChannelMismatch when the id lies in another channel's namespace or the conversation
    was opened by another channel; the channel is fixed by whoever opened it first.
    """
    check_channel(conversation_id, channel)
    created = await (await session.connection()).run_sync(
        repository.insert_conversation, conversation_id, channel, now or datetime.now(UTC)
    )
    if not created:
        conversation = await repository.get_conversation(session, conversation_id)
        check_channel(conversation_id, channel, conversation.channel if conversation else None)
    await session.commit()
    return created


async def check_conversation_channel(
    session: AsyncSession, conversation_id: str, channel: str
) -> None:
    """ChannelMismatch unless `channel` may read this conversation (its own, or not yet opened)."""
    check_channel(conversation_id, channel)
    conversation = await repository.get_conversation(session, conversation_id)
    check_channel(conversation_id, channel, conversation.channel if conversation else None)


async def conversation_messages(session: AsyncSession, conversation_id: str) -> list[Message]:
    """The chat's whole transcript, oldest first."""
    return list(await repository.messages_of_conversation(session, conversation_id))


async def get_conversation(session: AsyncSession, conversation_id: str) -> Conversation | None:
    """The conversation with this id, or None."""
    return await repository.get_conversation(session, conversation_id)


async def set_rating(
    session: AsyncSession, conversation_id: str, rating: int, *, now: datetime | None = None
) -> Conversation:
    """Store the customer's 1-5 rating of the chat (the latest counts; all are kept)."""
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise InvalidField("rating", "must be a whole number from 1 to 5")
    conversation = await repository.get_conversation(session, conversation_id)
    if conversation is None:
        raise ConversationNotFound(conversation_id)
    now = now or datetime.now(UTC)
    conversation.rating = rating
    repository.add_rating(
        session, Rating(conversation_id=conversation_id, rating=rating, created_at=now)
    )
    await session.commit()
    return conversation


async def set_handled_by(
    session: AsyncSession, conversation_id: str, handled_by: str
) -> Conversation:
    """Hand the chat to an agent or back to the bot."""
    if handled_by not in HANDLERS:
        raise ValueError(f"unknown handler {handled_by!r}")
    conversation = await repository.get_conversation(session, conversation_id)
    if conversation is None:
        raise ConversationNotFound(conversation_id)
    conversation.handled_by = handled_by
    await session.commit()
    return conversation

"""Fixed replies: what a channel answers without the bot (an unsupported input, an expired button).

The reply is recorded as a bot message with its outbox entry, so the dispatcher sends it
like any other answer (retried until sent). For the messaging platforms the platform's id
of the message it answers is claimed in the same transaction: a retried delivery of the
same input records no second reply.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import channel_repository, repository
from backend.db.tables import Message
from backend.domain.conversation_ids import check_channel
from backend.services.inbox import PLATFORMS
from backend.services.outbox import queue_push


async def record_reply(
    session: AsyncSession,
    conversation_id: str,
    channel: str,
    text: str,
    now: datetime,
    *,
    external_id: str | None = None,
    sent_at: datetime | None = None,
) -> Message | None:
    """Record the reply and queue it for sending, in one transaction (committed).

    None when `external_id` (the platform's id of the input answered) was taken in
    before: nothing is recorded. ChannelMismatch when the conversation belongs to another
    channel.
    """
    check_channel(conversation_id, channel)
    if (
        external_id is not None
        and channel in PLATFORMS
        and not await (await session.connection()).run_sync(
            channel_repository.claim_delivery,
            channel,
            external_id,
            conversation_id,
            min(sent_at or now, now),
        )
    ):
        await session.rollback()
        return None
    conversation = await repository.ensure_conversation(session, conversation_id, channel, now)
    check_channel(conversation_id, channel, conversation.channel)
    message = Message(
        conversation_id=conversation_id,
        sender="bot",
        text=text,
        payload={"text": text},
        created_at=now,
    )
    repository.add_message(session, message)
    conversation.updated_at = now
    await session.flush()
    queue_push(session, message, channel, now)
    await session.commit()
    return message

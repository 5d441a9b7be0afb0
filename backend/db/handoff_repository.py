"""Thin queries of the handoff: the open handoff of a chat, the messages since an id.

The console and the REST pull read the messages since an id; no business rules, no commits.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.console_tables import Handoff
from backend.db.tables import Conversation, Message


async def open_handoff(session: AsyncSession, conversation_id: str) -> Handoff | None:
    """The conversation's handoff that has not ended, if any (locked on PostgreSQL)."""
    result = await session.execute(
        select(Handoff)
        .where(Handoff.conversation_id == conversation_id, Handoff.ended_at.is_(None))
        .order_by(Handoff.id.desc())
        .limit(1)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return result.scalar_one_or_none()


async def conversation_for_update(
    session: AsyncSession, conversation_id: str
) -> Conversation | None:
    """The conversation, freshly read and locked until the transaction ends (PostgreSQL)."""
    result = await session.execute(
        select(Conversation)
        .where(Conversation.id == conversation_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return result.scalar_one_or_none()


async def messages_after(
    session: AsyncSession,
    conversation_id: str,
    after: int,
    senders: Sequence[str],
    limit: int,
) -> Sequence[Message]:
    """Up to `limit` messages of these senders with an id above `after`, oldest first."""
    result = await session.execute(
        select(Message)
        .where(
            Message.conversation_id == conversation_id,
            Message.id > after,
            Message.sender.in_(senders),
        )
        .order_by(Message.id)
        .limit(limit)
    )
    return result.scalars().all()

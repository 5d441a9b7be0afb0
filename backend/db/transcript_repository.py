"""Queries behind the transcript's display: the answers a click can refer to."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.tables import Message


async def last_answers(
    session: AsyncSession, conversation_id: str, limit: int
) -> Sequence[Message]:
    """The newest `limit` bot or agent messages of the conversation, newest first."""
    result = await session.execute(
        select(Message)
        .where(Message.conversation_id == conversation_id, Message.sender.in_(("bot", "agent")))
        .order_by(Message.id.desc())
        .limit(limit)
    )
    return result.scalars().all()

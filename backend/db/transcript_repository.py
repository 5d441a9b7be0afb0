"""Queries behind the transcript's display: the answers a click can refer to."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.db.tables import Message


def last_answers(session: Session, conversation_id: str, limit: int) -> Sequence[Message]:
    """The newest `limit` bot or agent messages of the conversation, newest first."""
    result = session.execute(
        select(Message)
        .where(Message.conversation_id == conversation_id, Message.sender.in_(("bot", "agent")))
        .order_by(Message.id.desc())
        .limit(limit)
    )
    return result.scalars().all()

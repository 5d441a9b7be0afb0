"""Thin queries over the tables; no business rules, no commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.tables import CaseEvent, CaseRecord, Conversation, Message, RegisterCounter


def _insert(session: AsyncSession, table: Any) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT (PostgreSQL and SQLite alike)."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


async def next_register_sequence(session: AsyncSession, prefix: str, period: str) -> int:
    """Atomically take the next sequence number of `prefix` in `period` (1, 2, …)."""
    statement = _insert(session, RegisterCounter).values(prefix=prefix, period=period, last_value=1)
    statement = statement.on_conflict_do_update(
        index_elements=[RegisterCounter.prefix, RegisterCounter.period],
        set_={"last_value": RegisterCounter.last_value + 1},
    ).returning(RegisterCounter.last_value)
    return int((await session.execute(statement)).scalar_one())


async def ensure_conversation(
    session: AsyncSession, conversation_id: str, channel: str, now: datetime
) -> Conversation:
    """The conversation row, inserted first if missing (safe against a concurrent insert)."""
    statement = (
        _insert(session, Conversation)
        .values(
            id=conversation_id, channel=channel, handled_by="bot", created_at=now, updated_at=now
        )
        .on_conflict_do_nothing(index_elements=[Conversation.id])
    )
    await session.execute(statement)
    conversation = await session.get(Conversation, conversation_id, populate_existing=True)
    assert conversation is not None
    return conversation


async def get_conversation(session: AsyncSession, conversation_id: str) -> Conversation | None:
    return await session.get(Conversation, conversation_id)


def add_message(session: AsyncSession, message: Message) -> None:
    session.add(message)


async def case_by_register_number(session: AsyncSession, register_number: str) -> CaseRecord | None:
    result = await session.execute(
        select(CaseRecord).where(CaseRecord.register_number == register_number)
    )
    return result.scalar_one_or_none()


async def case_by_idempotency_key(session: AsyncSession, key: str) -> CaseRecord | None:
    result = await session.execute(select(CaseRecord).where(CaseRecord.idempotency_key == key))
    return result.scalar_one_or_none()


async def cases_of_conversation(
    session: AsyncSession, conversation_id: str
) -> Sequence[CaseRecord]:
    result = await session.execute(
        select(CaseRecord)
        .where(CaseRecord.conversation_id == conversation_id)
        .order_by(CaseRecord.received_at, CaseRecord.id)
    )
    return result.scalars().all()


async def events_of_case(session: AsyncSession, case_id: int) -> Sequence[CaseEvent]:
    result = await session.execute(
        select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
    )
    return result.scalars().all()


async def messages_of_conversation(
    session: AsyncSession, conversation_id: str
) -> Sequence[Message]:
    result = await session.execute(
        select(Message).where(Message.conversation_id == conversation_id).order_by(Message.id)
    )
    return result.scalars().all()

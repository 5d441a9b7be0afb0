"""Thin queries of the handoff and the console; no business rules, no commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.console_tables import ConsoleSession, Handoff
from backend.db.tables import Agent, CaseRecord, Conversation, Message

QUEUE_CASES_LIMIT = 200


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


async def open_handoffs(
    session: AsyncSession,
) -> Sequence[tuple[Handoff, Conversation, str | None]]:
    """Every handoff not yet ended, with its conversation and its agent's name."""
    result = await session.execute(
        select(Handoff, Conversation, Agent.name)
        .join(Conversation, Conversation.id == Handoff.conversation_id)
        .outerjoin(Agent, Agent.id == Handoff.agent_id)
        .where(Handoff.ended_at.is_(None))
        .order_by(Handoff.requested_at)
    )
    return [(row[0], row[1], row[2]) for row in result.all()]


async def cases_of_conversations(
    session: AsyncSession, conversation_ids: Sequence[str]
) -> Sequence[CaseRecord]:
    """The cases opened from these chats, oldest first."""
    if not conversation_ids:
        return []
    result = await session.execute(
        select(CaseRecord)
        .where(CaseRecord.conversation_id.in_(conversation_ids))
        .order_by(CaseRecord.received_at, CaseRecord.id)
    )
    return result.scalars().all()


async def cases_in_statuses(
    session: AsyncSession, statuses: Sequence[str], limit: int = QUEUE_CASES_LIMIT
) -> Sequence[CaseRecord]:
    """Cases in these statuses, the earliest received first."""
    result = await session.execute(
        select(CaseRecord)
        .where(CaseRecord.status.in_(statuses))
        .order_by(CaseRecord.received_at, CaseRecord.id)
        .limit(limit)
    )
    return result.scalars().all()


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


async def find_cases_by_text(
    session: AsyncSession,
    *,
    register_number: str | None,
    name_pattern: str | None,
    phone_digits: str | None,
    limit: int,
) -> Sequence[CaseRecord]:
    """Cases whose register number is this one, whose name contains, or whose phone contains."""
    conditions = []
    if register_number:
        conditions.append(CaseRecord.register_number == register_number)
    if name_pattern:
        conditions.append(CaseRecord.full_name.ilike(name_pattern, escape="\\"))
    if phone_digits:
        conditions.append(CaseRecord.phone.like(f"%{phone_digits}%"))
    if not conditions:
        return []
    result = await session.execute(
        select(CaseRecord)
        .where(or_(*conditions))
        .order_by(CaseRecord.received_at.desc(), CaseRecord.id.desc())
        .limit(limit)
    )
    return result.scalars().all()


async def agent_by_id(session: AsyncSession, agent_id: int) -> Agent | None:
    return await session.get(Agent, agent_id, populate_existing=True)


async def agents(session: AsyncSession, *, active_only: bool = False) -> Sequence[Agent]:
    """Agents by name; only the active ones if asked."""
    statement = select(Agent).order_by(Agent.name, Agent.id)
    if active_only:
        statement = statement.where(Agent.active.is_(True))
    return (await session.execute(statement)).scalars().all()


async def session_with_agent(
    session: AsyncSession, token_hash: str, now: datetime
) -> tuple[ConsoleSession, Agent] | None:
    """The unexpired console session of this token, with its active agent."""
    result = await session.execute(
        select(ConsoleSession, Agent)
        .join(Agent, Agent.id == ConsoleSession.agent_id)
        .where(
            ConsoleSession.token_hash == token_hash,
            ConsoleSession.expires_at > now,
            Agent.active.is_(True),
        )
    )
    row = result.first()
    return (row[0], row[1]) if row else None


async def delete_session(session: AsyncSession, token_hash: str) -> None:
    await session.execute(delete(ConsoleSession).where(ConsoleSession.token_hash == token_hash))


async def delete_sessions(
    session: AsyncSession, *, agent_id: int | None = None, expired_at: datetime | None = None
) -> None:
    """Delete an agent's sessions, or those expired at a time."""
    if agent_id is not None:
        await session.execute(delete(ConsoleSession).where(ConsoleSession.agent_id == agent_id))
    if expired_at is not None:
        await session.execute(delete(ConsoleSession).where(ConsoleSession.expires_at <= expired_at))

"""Thin queries of the agents and their console sessions; no business rules, no commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.console_tables import ConsoleSession
from backend.db.tables import Agent


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

"""Thin queries of the console queue: pages of waiting chats, running cases and bot chats.

Ordered and paged in SQL (ix_cases_queue, ix_cases_officer_queue); no business rules, no commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    ScalarSelect,
    Select,
    Update,
    and_,
    case,
    exists,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from backend.db.console_tables import AgentPresence, ChatRead, Handoff
from backend.db.tables import Agent, CaseRecord, Conversation, Message
from backend.domain.handling import ANSWERED_STATUSES
from backend.domain.handoff import PRIORITY_RANK
from backend.domain.lifecycle import Status

EMERGENCY_RANK = 0


def fill_queue_columns() -> Update:
    """An UPDATE setting every case's queue_rank and queue_due_at from its other columns.

    The ORM keeps both columns on every write; this is for rows inserted in bulk around it
    (generated data sets), by the same rule as backend.domain.handoff.
    """
    rank = case(
        (CaseRecord.status.in_(list(ANSWERED_STATUSES)), None),
        *((CaseRecord.priority == priority, value) for priority, value in PRIORITY_RANK.items()),
    )
    due = case(
        (CaseRecord.status == Status.RECEIVED, CaseRecord.first_response_due_at),
        else_=func.coalesce(CaseRecord.extended_resolution_due_at, CaseRecord.resolution_due_at),
    )
    return (
        update(CaseRecord)
        .values(queue_rank=rank, queue_due_at=due)
        .execution_options(synchronize_session=False)
    )


@dataclass(frozen=True)
class ChatRow:
    """A chat waiting for or held by an agent, with what the queue shows of it."""

    conversation_id: str
    channel: str
    reason: str
    rank: int
    requested_at: datetime
    agent_id: int | None
    agent_name: str | None
    full_name: str | None
    register_number: str | None
    unread: int


@dataclass(frozen=True)
class BotChatRow:
    """A chat the bot still answers, recently active."""

    conversation_id: str
    channel: str
    updated_at: datetime
    full_name: str | None
    register_number: str | None
    unread: int


def _latest_case(
    column: InstrumentedAttribute[str], conversation_id: InstrumentedAttribute[str]
) -> ScalarSelect[Any]:
    """`column` of the chat's most recent case (the customer's name once known)."""
    return (
        select(column)
        .where(CaseRecord.conversation_id == conversation_id)
        .order_by(CaseRecord.received_at.desc(), CaseRecord.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def _unread(conversation_id: InstrumentedAttribute[str], agent_id: int) -> ScalarSelect[Any]:
    """The customer's messages after the last one this agent was shown."""
    # Correlated to the count's own messages: the outer chat's column would not correlate
    # two levels down and would read every chat's marker.
    seen = (
        select(ChatRead.last_message_id)
        .where(ChatRead.agent_id == agent_id, ChatRead.conversation_id == Message.conversation_id)
        .scalar_subquery()
    )
    return (
        select(func.count(Message.id))
        .where(
            Message.conversation_id == conversation_id,
            Message.sender == "user",
            Message.id > func.coalesce(seen, 0),
        )
        .scalar_subquery()
    )


def _chat_rank() -> ColumnElement[int]:
    """0 for an emergency (asked as one, or a running emergency case of the chat), else 1."""
    emergency_case = exists().where(
        CaseRecord.conversation_id == Handoff.conversation_id,
        CaseRecord.queue_rank == EMERGENCY_RANK,
    )
    return case((or_(Handoff.reason == "emergency", emergency_case), 0), else_=1)


def _chat_scope(holder: str, agent_id: int) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [Handoff.ended_at.is_(None)]
    if holder == "mine":
        conditions.append(Handoff.agent_id == agent_id)
    elif holder == "unassigned":
        conditions.append(Handoff.agent_id.is_(None))
    return conditions


async def chats(
    session: AsyncSession, *, holder: str, agent_id: int, limit: int, offset: int = 0
) -> list[ChatRow]:
    """Open handoffs (all, `mine` or `unassigned`), most urgent first, then the longest waiting."""
    rank = _chat_rank().label("rank")
    result = await session.execute(
        select(
            Handoff.conversation_id,
            Conversation.channel,
            Handoff.reason,
            rank,
            Handoff.requested_at,
            Handoff.agent_id,
            Agent.name,
            _latest_case(CaseRecord.full_name, Handoff.conversation_id),
            _latest_case(CaseRecord.register_number, Handoff.conversation_id),
            _unread(Handoff.conversation_id, agent_id),
        )
        .join(Conversation, Conversation.id == Handoff.conversation_id)
        .outerjoin(Agent, Agent.id == Handoff.agent_id)
        .where(*_chat_scope(holder, agent_id))
        .order_by(rank, Handoff.requested_at, Handoff.id)
        .limit(limit)
        .offset(offset)
    )
    return [ChatRow(*tuple(row)) for row in result.all()]


async def count_chats(session: AsyncSession, *, holder: str, agent_id: int) -> int:
    """How many open handoffs are in this scope."""
    found = await session.scalar(
        select(func.count(Handoff.id)).where(*_chat_scope(holder, agent_id))
    )
    return int(found or 0)


def _case_scope(officer: str | None, holder: str) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [CaseRecord.queue_rank.is_not(None)]
    if holder == "mine":
        conditions.append(CaseRecord.officer == officer)
    elif holder == "unassigned":
        conditions.append(CaseRecord.officer.is_(None))
    return conditions


def running_cases_query(
    *, holder: str, officer: str | None, limit: int, offset: int = 0
) -> Select[CaseRecord]:
    """Running cases (all, the officer's, or without one) by rank, then next due, then id.

    The page's ids are found first from the index alone (an index-only scan skips the
    offset's rows without reading them), then only those rows are read.
    """
    order = (CaseRecord.queue_rank, CaseRecord.queue_due_at, CaseRecord.id)
    page = (
        select(*order)
        .where(*_case_scope(officer, holder))
        .order_by(*order)
        .limit(limit)
        .offset(offset)
        .subquery("page")
    )
    return (
        select(CaseRecord)
        .join(page, page.c.id == CaseRecord.id)
        .order_by(page.c.queue_rank, page.c.queue_due_at, page.c.id)
    )


async def running_cases(
    session: AsyncSession, *, holder: str, officer: str | None, limit: int, offset: int = 0
) -> Sequence[CaseRecord]:
    """A page of running cases in queue order (see running_cases_query)."""
    query = running_cases_query(holder=holder, officer=officer, limit=limit, offset=offset)
    return (await session.execute(query)).scalars().all()


async def count_running_cases(session: AsyncSession, *, holder: str, officer: str | None) -> int:
    """How many running cases are in this scope."""
    found = await session.scalar(
        select(func.count(CaseRecord.id)).where(*_case_scope(officer, holder))
    )
    return int(found or 0)


def _bot_scope(active_since: datetime) -> ColumnElement[bool]:
    return and_(Conversation.handled_by == "bot", Conversation.updated_at >= active_since)


async def bot_chats(
    session: AsyncSession,
    *,
    active_since: datetime,
    agent_id: int,
    limit: int,
    offset: int = 0,
) -> list[BotChatRow]:
    """Chats the bot answers that were active since `active_since`, the latest first."""
    result = await session.execute(
        select(
            Conversation.id,
            Conversation.channel,
            Conversation.updated_at,
            _latest_case(CaseRecord.full_name, Conversation.id),
            _latest_case(CaseRecord.register_number, Conversation.id),
            _unread(Conversation.id, agent_id),
        )
        .where(_bot_scope(active_since))
        .order_by(Conversation.updated_at.desc(), Conversation.id)
        .limit(limit)
        .offset(offset)
    )
    return [BotChatRow(*tuple(row)) for row in result.all()]


async def count_bot_chats(session: AsyncSession, *, active_since: datetime) -> int:
    """How many chats the bot answers were active since `active_since`."""
    found = await session.scalar(
        select(func.count(Conversation.id)).where(_bot_scope(active_since))
    )
    return int(found or 0)


async def last_message_id(session: AsyncSession, conversation_id: str) -> int:
    """The id of the chat's latest message (0 if none)."""
    found = await session.scalar(
        select(func.max(Message.id)).where(Message.conversation_id == conversation_id)
    )
    return int(found or 0)


def _insert(session: AsyncSession, table: Any) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT (PostgreSQL and SQLite alike)."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


async def mark_read(
    session: AsyncSession, agent_id: int, conversation_id: str, message_id: int, now: datetime
) -> None:
    """The agent has been shown the chat up to `message_id` (never moves back)."""
    statement = _insert(session, ChatRead).values(
        agent_id=agent_id, conversation_id=conversation_id, last_message_id=message_id, read_at=now
    )
    newer = statement.excluded.last_message_id
    statement = statement.on_conflict_do_update(
        index_elements=[ChatRead.agent_id, ChatRead.conversation_id],
        set_={
            "last_message_id": case(
                (newer > ChatRead.last_message_id, newer), else_=ChatRead.last_message_id
            ),
            "read_at": now,
        },
    )
    await session.execute(statement)


async def seen(session: AsyncSession, agent_id: int, now: datetime) -> None:
    """The agent's console is open now (a heartbeat)."""
    statement = _insert(session, AgentPresence).values(agent_id=agent_id, seen_at=now)
    statement = statement.on_conflict_do_update(
        index_elements=[AgentPresence.agent_id], set_={"seen_at": now}
    )
    await session.execute(statement)


async def online_agents(
    session: AsyncSession, since: datetime
) -> Sequence[tuple[Agent, datetime | None]]:
    """Active agents with a heartbeat since `since`, and when each was last given a chat."""
    result = await session.execute(
        select(Agent, AgentPresence.last_assigned_at)
        .join(AgentPresence, AgentPresence.agent_id == Agent.id)
        .where(AgentPresence.seen_at >= since, Agent.active.is_(True))
        .order_by(Agent.name, Agent.id)
    )
    return [(row[0], row[1]) for row in result.all()]


async def held_chat_counts(session: AsyncSession, agent_ids: Sequence[int]) -> dict[int, int]:
    """How many open handoffs each of these agents holds."""
    if not agent_ids:
        return {}
    result = await session.execute(
        select(Handoff.agent_id, func.count(Handoff.id))
        .where(Handoff.ended_at.is_(None), Handoff.agent_id.in_(agent_ids))
        .group_by(Handoff.agent_id)
    )
    return {int(agent or 0): int(count) for agent, count in result.all()}


async def note_assignment(session: AsyncSession, agent_id: int, now: datetime) -> None:
    """The agent was given a chat now (their round-robin turn)."""
    presence = await session.get(AgentPresence, agent_id)
    if presence is not None:
        presence.last_assigned_at = now

"""Queries of the outbox: messages waiting to be pushed, leased to one dispatcher at a time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, func, insert, or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.delivery_tables import OutboxEntry
from backend.db.tables import Message


def add_entry(session: AsyncSession, entry: OutboxEntry) -> None:
    session.add(entry)


def insert_entries(
    connection: Connection,
    message_ids: Sequence[int],
    conversation_id: str,
    channel: str,
    now: datetime,
) -> None:
    """A pending entry for each recorded message, due now (one Core statement)."""
    if not message_ids:
        return
    connection.execute(
        insert(OutboxEntry.metadata.tables[OutboxEntry.__tablename__]),
        [
            {
                "message_id": message_id,
                "conversation_id": conversation_id,
                "channel": channel,
                "state": "pending",
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
            for message_id in message_ids
        ],
    )


def _free(now: datetime) -> object:
    return or_(OutboxEntry.lease_until.is_(None), OutboxEntry.lease_until < now)


async def due_conversations(session: AsyncSession, now: datetime, limit: int) -> list[str]:
    """Conversations with a pending entry due now and not leased, oldest entry first."""
    result = await session.execute(
        select(OutboxEntry.conversation_id)
        .where(
            OutboxEntry.state == "pending",
            OutboxEntry.next_attempt_at <= now,
            _free(now),  # type: ignore[arg-type]
        )
        .group_by(OutboxEntry.conversation_id)
        .limit(limit)
    )
    return list(result.scalars())


async def lease(
    session: AsyncSession, conversation_id: str, owner: str, now: datetime, until: datetime
) -> int:
    """Lease the conversation's free pending entries to `owner`; how many it got."""
    result = await session.execute(
        update(OutboxEntry)
        .where(
            OutboxEntry.conversation_id == conversation_id,
            OutboxEntry.state == "pending",
            _free(now),  # type: ignore[arg-type]
        )
        .values(lease_owner=owner, lease_until=until)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount if isinstance(result, CursorResult) else 0


async def leased_entries(
    session: AsyncSession, conversation_id: str, owner: str
) -> Sequence[tuple[OutboxEntry, Message]]:
    """The entries `owner` holds for the conversation, with their messages, in order."""
    result = await session.execute(
        select(OutboxEntry, Message)
        .join(Message, Message.id == OutboxEntry.message_id)
        .where(
            OutboxEntry.conversation_id == conversation_id,
            OutboxEntry.state == "pending",
            OutboxEntry.lease_owner == owner,
        )
        .order_by(OutboxEntry.id)
    )
    return [(row[0], row[1]) for row in result.all()]


async def oldest_pending_id(session: AsyncSession, conversation_id: str) -> int | None:
    result = await session.execute(
        select(func.min(OutboxEntry.id)).where(
            OutboxEntry.conversation_id == conversation_id, OutboxEntry.state == "pending"
        )
    )
    return result.scalar_one_or_none()


async def release(session: AsyncSession, conversation_id: str, owner: str) -> None:
    await session.execute(
        update(OutboxEntry)
        .where(OutboxEntry.conversation_id == conversation_id, OutboxEntry.lease_owner == owner)
        .values(lease_owner=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )


async def failed_or_retrying(session: AsyncSession, limit: int) -> Sequence[OutboxEntry]:
    """Entries that failed for good or are being retried after an error, newest first."""
    result = await session.execute(
        select(OutboxEntry)
        .where(
            or_(
                OutboxEntry.state == "failed",
                (OutboxEntry.state == "pending") & (OutboxEntry.attempts > 0),
            )
        )
        .order_by(OutboxEntry.id.desc())
        .limit(limit)
    )
    return result.scalars().all()


async def get_entry(session: AsyncSession, entry_id: int) -> OutboxEntry | None:
    return await session.get(OutboxEntry, entry_id, populate_existing=True)

"""Queries of the messaging channels: deliveries taken in, buttons recently offered."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.channel_tables import ChannelDelivery
from backend.db.tables import Message


def claim_delivery(
    connection: Connection,
    channel: str,
    external_id: str,
    conversation_id: str,
    received_at: datetime,
) -> bool:
    """Record a platform message; False when it was already recorded (a retried delivery)."""
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(ChannelDelivery)
        .values(
            channel=channel,
            external_id=external_id,
            conversation_id=conversation_id,
            received_at=received_at,
        )
        .on_conflict_do_nothing(index_elements=["channel", "external_id"])
        .returning(ChannelDelivery.external_id)
    )
    return connection.execute(statement).first() is not None


async def last_delivery_at(session: AsyncSession, conversation_id: str) -> datetime | None:
    """When the user's latest platform message in this conversation was sent."""
    result = await session.execute(
        select(ChannelDelivery.received_at)
        .where(ChannelDelivery.conversation_id == conversation_id)
        .order_by(ChannelDelivery.received_at.desc())
        .limit(1)
    )
    return result.scalar_one_or_none()


async def recent_answer_payloads(
    session: AsyncSession, conversation_id: str, limit: int = 50
) -> Sequence[object]:
    """The stored payloads of the latest bot and agent messages, newest first."""
    result = await session.execute(
        select(Message.payload)
        .where(Message.conversation_id == conversation_id, Message.sender.in_(("bot", "agent")))
        .order_by(Message.id.desc())
        .limit(limit)
    )
    return result.scalars().all()

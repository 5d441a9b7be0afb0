"""Use cases of the messaging platforms: deliveries taken in once, buttons recently offered."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import channel_repository


async def claim_delivery(
    session: AsyncSession,
    channel: str,
    external_id: str,
    conversation_id: str,
    received_at: datetime,
) -> bool:
    """Record a platform message; False when it was seen before (a retried delivery)."""
    claimed = await (await session.connection()).run_sync(
        channel_repository.claim_delivery, channel, external_id, conversation_id, received_at
    )
    await session.commit()
    return claimed


async def last_inbound_at(session: AsyncSession, conversation_id: str) -> datetime | None:
    """When the user last wrote in this conversation through a platform webhook."""
    return await channel_repository.last_delivery_at(session, conversation_id)


async def recent_button_payloads(session: AsyncSession, conversation_id: str) -> list[str]:
    """The payloads of the buttons in the conversation's latest answers, newest first."""
    payloads = await channel_repository.recent_answer_payloads(session, conversation_id)
    found: list[str] = []
    for payload in payloads:
        buttons = payload.get("buttons") if isinstance(payload, dict) else None
        for button in buttons if isinstance(buttons, list) else []:
            if isinstance(button, dict) and isinstance(button.get("payload"), str):
                found.append(button["payload"])
    return found

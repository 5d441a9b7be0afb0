"""The channels' use of the database: deliveries taken in, buttons recently offered."""

from __future__ import annotations

from datetime import UTC, datetime

from backend.db import channel_repository
from backend.db.engine import Database


class ChannelStore:
    """Short units of work for the channel adapters, each in its own session."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def claim(
        self,
        channel: str,
        external_id: str,
        conversation_id: str,
        received_at: datetime | None = None,
    ) -> bool:
        """Record a platform message; False when it was seen before (a retried delivery)."""
        async with self._db.session() as session:
            claimed = await channel_repository.claim_delivery(
                session,
                channel,
                external_id,
                conversation_id,
                received_at or datetime.now(UTC),
            )
            await session.commit()
        return claimed

    async def last_inbound_at(self, conversation_id: str) -> datetime | None:
        """When the user last wrote in this conversation through a platform webhook."""
        async with self._db.session() as session:
            return await channel_repository.last_delivery_at(session, conversation_id)

    async def recent_button_payloads(self, conversation_id: str) -> list[str]:
        """The payloads of the buttons in the conversation's latest answers, newest first."""
        async with self._db.session() as session:
            payloads = await channel_repository.recent_answer_payloads(session, conversation_id)
        found: list[str] = []
        for payload in payloads:
            buttons = payload.get("buttons") if isinstance(payload, dict) else None
            for button in buttons if isinstance(buttons, list) else []:
                if isinstance(button, dict) and isinstance(button.get("payload"), str):
                    found.append(button["payload"])
        return found

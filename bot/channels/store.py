"""The channels' use of the database: deliveries taken in, buttons recently offered."""

from __future__ import annotations

from datetime import UTC, datetime

from backend.services import channel_deliveries
from backend.services.unit_of_work import Sessions


class ChannelStore:
    """Short units of work for the channel adapters, each in its own session."""

    def __init__(self, sessions: Sessions) -> None:
        self._sessions = sessions

    async def claim(
        self,
        channel: str,
        external_id: str,
        conversation_id: str,
        received_at: datetime | None = None,
    ) -> bool:
        """Record a platform message; False when it was seen before (a retried delivery)."""
        async with self._sessions.session() as session:
            return await channel_deliveries.claim_delivery(
                session, channel, external_id, conversation_id, received_at or datetime.now(UTC)
            )

    async def last_inbound_at(self, conversation_id: str) -> datetime | None:
        """When the user last wrote in this conversation through a platform webhook."""
        async with self._sessions.session() as session:
            return await channel_deliveries.last_inbound_at(session, conversation_id)

    async def recent_button_payloads(self, conversation_id: str) -> list[str]:
        """The payloads of the buttons in the conversation's latest answers, newest first."""
        async with self._sessions.session() as session:
            return await channel_deliveries.recent_button_payloads(session, conversation_id)

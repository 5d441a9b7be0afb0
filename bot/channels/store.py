"""The channels' use of the database: fixed replies recorded, the 24-hour window, recent buttons."""

from __future__ import annotations

from datetime import datetime

from backend.services import channel_deliveries, replies
from backend.services.unit_of_work import Sessions


class ChannelStore:
    """Short units of work for the channel adapters, each in its own session."""

    def __init__(self, sessions: Sessions) -> None:
        self._sessions = sessions

    async def record_reply(
        self,
        conversation_id: str,
        channel: str,
        text: str,
        now: datetime,
        *,
        external_id: str | None = None,
        sent_at: datetime | None = None,
    ) -> bool:
        """Record a fixed reply for the outbox to send; False for a retried delivery (nothing)."""
        async with self._sessions.session() as session:
            recorded = await replies.record_reply(
                session,
                conversation_id,
                channel,
                text,
                now,
                external_id=external_id,
                sent_at=sent_at,
            )
        return recorded is not None

    async def last_inbound_at(self, conversation_id: str) -> datetime | None:
        """When the user last wrote in this conversation through a platform webhook."""
        async with self._sessions.session() as session:
            return await channel_deliveries.last_inbound_at(session, conversation_id)

    async def recent_button_payloads(self, conversation_id: str) -> list[str]:
        """The payloads of the buttons in the conversation's latest answers, newest first."""
        async with self._sessions.session() as session:
            return await channel_deliveries.recent_button_payloads(session, conversation_id)

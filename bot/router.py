"""Bot or agent? Routes each inbound message and keeps the transcript."""

from __future__ import annotations

import logging
from typing import Any

from backend import services
from backend.services.unit_of_work import Sessions
from bot.inbound import Inbound
from bot.rasa_client import RasaClient, RasaUnavailable

log = logging.getLogger(__name__)


class Router:
    """Stores every message first, then hands it to Rasa unless an agent holds the chat."""

    def __init__(self, sessions: Sessions, rasa: RasaClient) -> None:
        self._sessions = sessions
        self._rasa = rasa

    async def handle(self, inbound: Inbound) -> list[dict[str, Any]]:
        """Record the user's message, ask the bot when it is the bot's turn, record its answers."""
        async with self._sessions.session() as session:
            conversation = await services.record_message(
                session,
                inbound.conversation_id,
                inbound.channel,
                "user",
                inbound.text,
                payload=inbound.metadata or None,
            )
            handled_by = conversation.handled_by
        if handled_by == "agent":
            await self._keep_in_paused_tracker(inbound)
            return []
        metadata = {**inbound.metadata, "channel": inbound.channel}
        answers = await self._rasa.send(inbound.conversation_id, inbound.text, metadata)
        async with self._sessions.session() as session:
            for answer in answers:
                await services.record_message(
                    session,
                    inbound.conversation_id,
                    inbound.channel,
                    "bot",
                    answer.get("text") or "",
                    payload=answer,
                )
        return answers

    async def _keep_in_paused_tracker(self, inbound: Inbound) -> None:
        """While an agent holds the chat, Rasa's tracker still records what the user wrote."""
        metadata = {**inbound.metadata, "channel": inbound.channel}
        try:
            await self._rasa.record_user_message(inbound.conversation_id, inbound.text, metadata)
        except RasaUnavailable as exc:
            # The transcript in the database has it; only the bot's copy misses this message.
            log.warning("message not copied to the paused tracker: %s", exc)

"""From a platform message to the bot and back: route it, then send the answers on its channel."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Protocol

from backend.services.ports import Answer, DeliveryFailed
from bot.channel_senders import ChannelSender
from bot.channels.conventions import TOO_LONG_REPLY, UNAVAILABLE_REPLY, UNSUPPORTED_REPLY
from bot.inbound import Inbound, InvalidMessage
from bot.masking import mask_digits
from bot.rasa_client import RasaUnavailable

log = logging.getLogger(__name__)


class Routes(Protocol):
    """What the relay needs of the gateway's router."""

    async def handle(self, inbound: Inbound) -> list[dict[str, Any]]: ...


class Relay:
    """Hands one user message to the router and the bot's answers to the channel's sender."""

    def __init__(self, router: Routes, sender: ChannelSender, *, max_chars: int) -> None:
        self._router = router
        self._sender = sender
        self._max_chars = max_chars

    async def relay(
        self, conversation_id: str, text: str, metadata: dict[str, Any] | None = None
    ) -> None:
        """Route the message (stored in the transcript) and send whatever the bot answers."""
        try:
            inbound = Inbound.checked(
                conversation_id, self._sender.channel, text, metadata, max_chars=self._max_chars
            )
        except InvalidMessage as exc:
            reply = TOO_LONG_REPLY if exc.too_large else UNSUPPORTED_REPLY
            await self.reply(conversation_id, reply)
            return
        try:
            answers = await self._router.handle(inbound)
        except RasaUnavailable as exc:
            log.warning("%s: the assistant did not answer %s: %s", *self._who(conversation_id), exc)
            answers = [{"recipient_id": conversation_id, "text": UNAVAILABLE_REPLY}]
        await self.send(conversation_id, answers)

    async def reply(self, conversation_id: str, text: str) -> None:
        """Send a fixed reply without asking the bot (nothing is stored)."""
        await self.send(conversation_id, [{"recipient_id": conversation_id, "text": text}])

    async def send(self, conversation_id: str, answers: Sequence[Answer]) -> None:
        """Send answers; a platform failure is logged (masked), the user's message stays stored."""
        if not answers:
            return
        try:
            await self._sender.send(conversation_id, answers)
        except DeliveryFailed as exc:
            log.warning("%s: answers to %s not sent: %s", *self._who(conversation_id), exc)

    def _who(self, conversation_id: str) -> tuple[str, str]:
        return self._sender.channel, mask_digits(conversation_id)

"""From a platform message to the intake: checked, then stored for its turn with the bot.

The channels answer their platform's webhook once the message is stored; the bot's answers
(and the fixed replies recorded here) reach the user through the outbox's dispatcher.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol

from backend.services.inbox import TakenIn
from bot.channels.conventions import TOO_LONG_REPLY, UNSUPPORTED_REPLY
from bot.inbound import Inbound, InvalidMessage
from bot.masking import mask_digits

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Kick = Callable[[str], None]


def utc_now() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


class Takes(Protocol):
    """What the relay needs of the gateway's intake (`bot.intake.Intake`)."""

    async def take(
        self,
        inbound: Inbound,
        *,
        external_id: str | None = None,
        sent_at: datetime | None = None,
    ) -> TakenIn: ...


class Replies(Protocol):
    """Where fixed replies are recorded for the outbox (`ChannelStore`)."""

    async def record_reply(
        self,
        conversation_id: str,
        channel: str,
        text: str,
        now: datetime,
        *,
        external_id: str | None = None,
        sent_at: datetime | None = None,
    ) -> bool: ...


class Relay:
    """Hands one platform message to the intake, or records the fixed reply it gets instead.

    Nothing is caught here: when storing fails the webhook answers an error and the
    platform retries the delivery, which is then taken in as new (nothing was claimed).
    """

    def __init__(
        self,
        intake: Takes,
        replies: Replies,
        channel: str,
        *,
        max_chars: int,
        kick: Kick | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self.channel = channel
        self._intake = intake
        self._replies = replies
        self._max_chars = max_chars
        self._kick = kick
        self._clock = clock

    async def relay(
        self,
        conversation_id: str,
        text: str,
        metadata: dict[str, Any] | None = None,
        *,
        external_id: str | None = None,
        sent_at: datetime | None = None,
        title: str | None = None,
    ) -> bool:
        """Store the message for its turn; False when it was taken in before (a retry).

        `title`: the clicked button's title as the platform reports it.
        """
        try:
            inbound = Inbound.checked(
                conversation_id,
                self.channel,
                text,
                metadata,
                max_chars=self._max_chars,
                title=title,
            )
        except InvalidMessage as exc:
            reply = TOO_LONG_REPLY if exc.too_large else UNSUPPORTED_REPLY
            return await self.reply(
                conversation_id, reply, external_id=external_id, sent_at=sent_at
            )
        taken = await self._intake.take(inbound, external_id=external_id, sent_at=sent_at)
        if not taken.fresh:
            log.info("%s: retried delivery of a message of %s ignored", *self._who(conversation_id))
        return taken.fresh

    async def reply(
        self,
        conversation_id: str,
        text: str,
        *,
        external_id: str | None = None,
        sent_at: datetime | None = None,
    ) -> bool:
        """Record a fixed reply (the bot is not asked) and have it sent; False for a retry."""
        recorded = await self._replies.record_reply(
            conversation_id,
            self.channel,
            text,
            self._clock(),
            external_id=external_id,
            sent_at=sent_at,
        )
        if not recorded:
            log.info("%s: retried delivery of a message of %s ignored", *self._who(conversation_id))
        elif self._kick is not None:
            self._kick(conversation_id)
        return recorded

    def _who(self, conversation_id: str) -> tuple[str, str]:
        return self.channel, mask_digits(conversation_id)

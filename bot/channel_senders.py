"""The channels' senders: the bot's answers now, an agent's later, each on the user's channel.

Every channel that can push messages registers a `ChannelSender` in the app's
`ChannelSenders` (`app.ctx.senders`), keyed by channel name; `ChannelSenders` is the live
chat's `Outbox` (`backend/services/ports.py`). Answers have Rasa's REST shape:
`{"text": ..., "buttons": [{"title", "payload"}], "image": ...}`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol

from backend.services.ports import Answer, UnknownChannel

log = logging.getLogger(__name__)


class ChannelSender(Protocol):
    """Sends Rasa-shaped answers to one conversation of one channel; raises DeliveryFailed."""

    channel: str

    async def send(self, conversation_id: str, answers: Sequence[Answer]) -> None: ...


class ChannelSenders:
    """The senders of the channels that are on, by channel name."""

    def __init__(self) -> None:
        self._senders: dict[str, ChannelSender] = {}

    def register(self, sender: ChannelSender) -> None:
        """Make `sender` the one of its channel."""
        self._senders[sender.channel] = sender

    def get(self, channel: str) -> ChannelSender:
        """The sender of `channel`; UnknownChannel when there is none."""
        try:
            return self._senders[channel]
        except KeyError:
            raise UnknownChannel(channel) from None

    def __contains__(self, channel: object) -> bool:
        return channel in self._senders

    async def send(self, channel: str, conversation_id: str, answers: Sequence[Answer]) -> None:
        """Send `answers` to `conversation_id` on `channel` (e.g. an agent's message)."""
        await self.get(channel).send(conversation_id, answers)

    async def aclose(self) -> None:
        """Close the senders that hold resources (those with an `aclose`), newest first."""
        for sender in reversed(list(self._senders.values())):
            close = getattr(sender, "aclose", None)
            if close is None:
                continue
            try:
                await close()
            except Exception:
                log.exception("closing the %s channel failed", sender.channel)
        self._senders.clear()


def split_text(text: str, limit: int) -> list[str]:
    """Cut a long text into pieces of at most `limit` characters, at a line or word break if any."""
    pieces: list[str] = []
    while len(text) > limit:
        cut = max(text.rfind("\n", 0, limit + 1), text.rfind(" ", 0, limit + 1))
        if cut <= 0:
            cut = limit
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    pieces.append(text)
    return [piece for piece in pieces if piece]

"""What the use cases need from outside, as small Protocols: the assistant, the outbox, chats.

The gateway implements them (`bot.rasa_client.RasaClient`, the channels' senders); the app
factory injects them; tests pass fakes. Messages have Rasa's REST shape:
`{"recipient_id", "text", "buttons": [{"title", "payload"}], "image", ...}`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

Answer = dict[str, Any]


class AssistantUnavailable(RuntimeError):
    """The assistant (the bot) did not answer, or answered with an error."""


class Assistant(Protocol):
    """The bot's side of a conversation that agents may take over; raises AssistantUnavailable."""

    async def pause(self, conversation_id: str, /) -> None:
        """The bot predicts nothing in this conversation until it is resumed."""

    async def resume(self, conversation_id: str, /) -> None:
        """The bot answers this conversation again."""

    async def trigger_intent(self, conversation_id: str, intent: str, /) -> list[Answer]:
        """The bot's answers to `intent`, as if the user had said it."""


class DeliveryFailed(RuntimeError):
    """The platform refused a message or could not be reached; nothing personal in the text."""


class UnknownChannel(LookupError):
    """No sender for this channel: it is off, or it cannot push messages (REST)."""


class Outbox(Protocol):
    """Pushes messages to a user on their own channel."""

    async def send(self, channel: str, conversation_id: str, answers: Sequence[Answer], /) -> None:
        """Send now; UnknownChannel when `channel` cannot push, DeliveryFailed when it failed."""


class ChatDelivery(Protocol):
    """Records messages in a chat and pushes them on its channel (the live chat)."""

    async def deliver(
        self,
        conversation_id: str,
        answers: Sequence[Answer],
        *,
        sender: str,
        by: Any = None,
    ) -> bool: ...

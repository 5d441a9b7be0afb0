"""What the use cases need from outside, as small Protocols: the assistant, the outbox, chats.

The gateway implements them (`bot.rasa_client.RasaClient`, the channels' senders); the app
factory injects them; tests pass fakes. Messages have Rasa's REST shape:
`{"recipient_id", "text", "buttons": [{"title", "payload"}], "image", ...}`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
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

    async def resume_form(self, conversation_id: str, form: str, /) -> list[Answer]:
        """The form active again, asking its next missing question: the bot's answers."""

    async def forget_slots(self, conversation_id: str, names: Sequence[str], /) -> None:
        """Empty these slots of the conversation (nothing is predicted)."""


class Responder(Protocol):
    """The bot answering user messages; raises AssistantUnavailable."""

    async def answer(
        self, conversation_id: str, text: str, metadata: Mapping[str, Any], /
    ) -> list[Answer]:
        """The bot's answers to one user message (its metadata carries `message_id`)."""

    async def keep_user_message(
        self, conversation_id: str, text: str, metadata: Mapping[str, Any], /
    ) -> None:
        """Record a message the user sent to an agent in the paused conversation (no answer)."""

    async def answers_given(self, conversation_id: str, message_id: int, /) -> list[Answer] | None:
        """The answers the bot already gave to the message with this id, or None if it never
        saw it (a worker died mid-turn: the retry must not send it twice)."""


class DeliveryFailed(RuntimeError):
    """The platform refused a message or could not be reached; nothing personal in the text.

    `permanent`: trying again cannot help (the user blocked the bot, the chat is gone, the
    request itself is wrong); the outbox then marks the message failed at once.
    """

    def __init__(self, detail: str, *, permanent: bool = False) -> None:
        super().__init__(detail)
        self.permanent = permanent


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


class RetryLater(Exception):
    """A turn cannot run now (the bot is down); the queue tries the conversation again later."""

    def __init__(self, seconds: float, reason: str) -> None:
        super().__init__(reason)
        self.seconds = seconds
        self.reason = reason


# Runs every waiting message of one conversation, oldest first; raises RetryLater.
TurnHandler = Callable[[str], Awaitable[None]]


class TurnQueue(Protocol):
    """Tells the workers that a conversation has messages waiting.

    Adapters (in-process, RabbitMQ) guarantee that at most one handler runs per conversation
    across the cluster, and retry after RetryLater. A duplicate notice is harmless: the
    handler finds nothing waiting.
    """

    async def enqueue(self, conversation_id: str, /) -> None:
        """Have a worker run the conversation's waiting messages."""

    def claim(self, conversation_id: str, /) -> TurnClaim | None:
        """Hold the conversation's run for a turn this process begins itself (the intake,
        right after storing a message); None when it cannot: the conversation has a run,
        no worker runs here, or the queue is shared by replicas (then every turn is queued).
        Notices that come while it is held make the handler run after it."""


class TurnClaim(Protocol):
    """A conversation's run, held by whoever claimed it until `start` or `release`."""

    def start(self, turn: Callable[[], Awaitable[None]], /) -> None:
        """Run `turn` as the conversation's run (in one of the queue's slots); RetryLater or a
        failure from it makes the handler run the conversation after the pause."""

    def release(self) -> None:
        """No turn after all: the conversation is free (or runs, if notified meanwhile)."""


class Subscription(Protocol):
    """The events of one topic published after `subscribe`, in order."""

    async def next(self, timeout: float | None = None) -> dict[str, Any] | None:
        """The next event, or None after `timeout` seconds without one."""

    def close(self) -> None:
        """Stop receiving."""


class EventBus(Protocol):
    """Events about a conversation for whoever listens on any replica (widget sockets,
    REST callers waiting for their answer, console streams). Best effort: listeners catch
    up from the database by last id."""

    async def publish(self, topic: str, event: Mapping[str, Any], /) -> None:
        """Send `event` (JSON-serialisable) to the topic's subscribers everywhere."""

    def subscribe(self, topic: str, /) -> Subscription:
        """Start receiving the topic's events."""

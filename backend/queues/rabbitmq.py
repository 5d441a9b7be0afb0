"""The turn queue across app replicas, on RabbitMQ (aio-pika).

Layout: `shards` durable queues `{prefix}.turns.0` … `{prefix}.turns.{shards-1}`, each with
`x-single-active-consumer`, on the default exchange. A conversation always goes to the same
shard (a stable hash of its id). A notice is a persistent message whose body is the
conversation id, published with publisher confirms: `enqueue` returns once RabbitMQ has it.

Consuming (`start`): every replica consumes every shard with `prefetch_count=1`. RabbitMQ
lets only one consumer of a shard receive (single active consumer; another replica takes
over when it goes away), and that consumer gets the shard's next notice only after it
settled the one before. So one turn per conversation is in flight in the whole cluster,
and a conversation's notices run in order.

A notice is acknowledged only after the handler returned. When the handler raises
`RetryLater` (the bot is down) the notice is acknowledged and published again after the
given pause, so the other conversations of its shard are not held up behind it (their
customers are told too that the answer follows); the conversation's order is kept by the
handler, which always takes its oldest waiting message, and a notice lost with this process
is found by the app's sweep of waiting messages. Any other exception is logged (digits of
the conversation id masked) and retried after a pause doubling from 1 s to 60 s. A notice
is never held longer than `hold_seconds` (10 minutes): then it goes back to the head of its
shard and comes right back, so RabbitMQ's `consumer_timeout` (30 minutes by default) never
closes the channel.

If the connection drops, aio-pika reconnects (`connect_robust`), the unacknowledged notice
goes back to its shard and is delivered again, perhaps to another replica: the handler must
be idempotent (a notice whose messages are handled finds nothing waiting).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import AsyncIterator, Awaitable, Sequence
from contextlib import asynccontextmanager, suppress
from typing import Any, Final

import aio_pika
from aio_pika.abc import (
    AbstractChannel,
    AbstractIncomingMessage,
    AbstractQueue,
    AbstractRobustConnection,
    ConsumerTag,
)
from aio_pika.exceptions import ChannelInvalidStateError

from backend.domain.personal_data import mask_digits
from backend.queues.in_process import FIRST_BACKOFF_SECONDS, LONGEST_BACKOFF_SECONDS, backoff
from backend.services.ports import RetryLater, TurnHandler

__all__ = ["RabbitTurnQueue", "shard_of"]

log = logging.getLogger(__name__)

DEFAULT_SHARDS: Final = 16
HOLD_SECONDS: Final = 600.0
SHUTDOWN_GRACE_SECONDS: Final = 10.0
PUBLISH_TIMEOUT_SECONDS: Final = 10.0
QUEUE_ARGUMENTS: Final[dict[str, Any]] = {"x-single-active-consumer": True}


def shard_of(conversation_id: str, shards: int) -> int:
    """The shard of a conversation: the same in every process and release (not `hash()`)."""
    digest = hashlib.blake2b(conversation_id.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % shards


class RabbitTurnQueue:
    """The `TurnQueue` port on RabbitMQ. `connect()` first; `start(handler)` to consume too.

    A replica that only publishes (say, a webhook-only process) connects and never starts.
    """

    def __init__(
        self,
        url: str,
        *,
        shards: int = DEFAULT_SHARDS,
        prefix: str = "aduan",
        first_backoff_seconds: float = FIRST_BACKOFF_SECONDS,
        longest_backoff_seconds: float = LONGEST_BACKOFF_SECONDS,
        hold_seconds: float = HOLD_SECONDS,
        shutdown_grace_seconds: float = SHUTDOWN_GRACE_SECONDS,
        connection_name: str | None = None,
    ) -> None:
        if shards < 1:
            raise ValueError("shards must be 1 or more")
        if not prefix:
            raise ValueError("the prefix of the queue names may not be empty")
        self.shards = shards
        self.prefix = prefix
        self._url = url
        self._first_backoff = first_backoff_seconds
        self._longest_backoff = longest_backoff_seconds
        self._hold_seconds = hold_seconds
        self._grace = shutdown_grace_seconds
        self._connection_name = connection_name or f"{prefix}-turns"
        self._connection: AbstractRobustConnection | None = None
        self._publisher: AbstractChannel | None = None
        self._handler: TurnHandler | None = None
        self._consumers: list[tuple[AbstractQueue, ConsumerTag]] = []
        self._deliveries: set[asyncio.Task[Any]] = set()  # handlers running now
        self._locks = _ConversationLocks()  # one run per conversation in this process
        self._closing = asyncio.Event()
        self._retries: set[asyncio.Task[None]] = set()

    @property
    def queue_names(self) -> Sequence[str]:
        return [self.queue_name(shard) for shard in range(self.shards)]

    def queue_name(self, shard: int) -> str:
        return f"{self.prefix}.turns.{shard}"

    def queue_of(self, conversation_id: str) -> str:
        """The shard queue that carries this conversation's notices."""
        return self.queue_name(shard_of(conversation_id, self.shards))

    async def connect(self) -> None:
        """Connect (reconnecting by itself later) and declare the shard queues.

        Raises when RabbitMQ cannot be reached now (aio-pika's connection errors)."""
        if self._closing.is_set():
            raise RuntimeError("the turn queue is closed")
        if self._connection is not None:
            return
        connection = await aio_pika.connect_robust(
            self._url, client_properties={"connection_name": self._connection_name}
        )
        try:
            publisher = await connection.channel(publisher_confirms=True)
            for name in self.queue_names:
                await publisher.declare_queue(name, durable=True, arguments=QUEUE_ARGUMENTS)
        except BaseException:
            await connection.close()
            raise
        self._connection, self._publisher = connection, publisher

    def claim(self, conversation_id: str, /) -> None:
        """None: a replica never holds a conversation alone here; every turn is queued, so
        its shard's one consumer keeps the turns of a conversation in order, cluster-wide."""
        return None

    async def enqueue(self, conversation_id: str, /) -> None:
        """Publish a notice; returns once RabbitMQ confirmed it (persistent, on its shard)."""
        if self._publisher is None or self._closing.is_set():
            raise RuntimeError("the turn queue is not connected (connect() first) or closed")
        await self._publisher.default_exchange.publish(
            aio_pika.Message(
                conversation_id.encode(),
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                content_type="text/plain",
            ),
            routing_key=self.queue_of(conversation_id),
            mandatory=True,
            timeout=PUBLISH_TIMEOUT_SECONDS,
        )

    async def start(self, handler: TurnHandler) -> None:
        """Consume every shard, one notice at a time each, running `handler` for each notice."""
        if self._handler is not None:
            raise RuntimeError("the turn queue is started already")
        await self.connect()
        connection = self._connection
        if connection is None:  # pragma: no cover - connect() sets it or raises
            raise RuntimeError("the turn queue is not connected")
        self._handler = handler
        for name in self.queue_names:
            channel = await connection.channel()
            await channel.set_qos(prefetch_count=1)
            queue = await channel.declare_queue(name, durable=True, arguments=QUEUE_ARGUMENTS)
            tag = await queue.consume(self._on_delivery, no_ack=False)
            self._consumers.append((queue, tag))

    async def aclose(self) -> None:
        """Stop consuming, give running handlers `shutdown_grace_seconds` to finish, close.

        Handlers still running then are cancelled; their notices go back to their shards."""
        if self._closing.is_set():
            return
        self._closing.set()  # handlers pausing before a retry stop waiting
        for retry in self._retries:
            retry.cancel()
        for queue, tag in self._consumers:
            with suppress(Exception):  # the channel may be gone already
                await queue.cancel(tag)
        self._consumers.clear()
        if self._deliveries:
            await asyncio.wait(set(self._deliveries), timeout=self._grace)
        if self._connection is not None:
            await self._connection.close()
        self._connection = self._publisher = None

    async def _on_delivery(self, message: AbstractIncomingMessage) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._deliveries.add(task)
        try:
            try:
                conversation_id = message.body.decode()
            except UnicodeDecodeError:
                log.error("A turn notice that is no conversation id was dropped")
                await _settle(message.reject(requeue=False), "(unreadable)")
                return
            async with self._locks.hold(conversation_id):
                await self._handle(message, conversation_id)
        finally:
            if task is not None:
                self._deliveries.discard(task)

    async def _handle(self, message: AbstractIncomingMessage, conversation_id: str) -> None:
        """Run the handler until it succeeds, holding the notice; then acknowledge it."""
        handler = self._handler
        if handler is None:  # pragma: no cover - deliveries come only after start
            raise RuntimeError("the turn queue is not started")
        masked = mask_digits(conversation_id)
        loop = asyncio.get_running_loop()
        held_since = loop.time()
        failures = 0
        while True:
            if self._closing.is_set() or not _delivery_open(message):
                return  # not acknowledged: RabbitMQ delivers it again
            try:
                await handler(conversation_id)
            except RetryLater as retry:
                pause = max(0.0, retry.seconds)
                log.info(
                    "Turn of %s retried in %.3g s: %s", masked, pause, mask_digits(retry.reason)
                )
                await _settle(message.ack(), masked)
                self._publish_later(conversation_id, pause)
                return
            except Exception:
                pause = backoff(failures, self._first_backoff, self._longest_backoff)
                failures += 1
                log.exception("Turn of %s failed; retried in %.3g s", masked, pause)
            else:
                await _settle(message.ack(), masked)
                return
            left = self._hold_seconds - (loop.time() - held_since)
            with suppress(TimeoutError):
                async with asyncio.timeout(max(0.0, min(pause, left))):
                    await self._closing.wait()
            if loop.time() - held_since >= self._hold_seconds and not self._closing.is_set():
                # Back to the head of its shard before the broker's consumer timeout; it comes
                # straight back (single active consumer, one at a time), so order is kept.
                log.info("Turn notice of %s held too long: returned to its shard", masked)
                await _settle(message.nack(requeue=True), masked)
                return

    def _publish_later(self, conversation_id: str, pause: float) -> None:
        """Publish the conversation's notice again after `pause` seconds."""
        task = asyncio.create_task(self._publish_after(conversation_id, pause))
        self._retries.add(task)
        task.add_done_callback(self._retries.discard)

    async def _publish_after(self, conversation_id: str, pause: float) -> None:
        await asyncio.sleep(pause)
        try:
            await self.enqueue(conversation_id)
        except Exception:  # the sweep of waiting messages queues it again
            log.warning("Turn notice of %s not published again", mask_digits(conversation_id))


class _ConversationLocks:
    """One lock per conversation in this process, forgotten when nobody holds or wants it.

    RabbitMQ alone keeps a conversation's turns apart; this covers the moment after a
    reconnect when a notice comes again while its first handler still runs here."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._users: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._locks)

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._users[key] -= 1
            if not self._users[key]:
                del self._users[key], self._locks[key]


def _delivery_open(message: AbstractIncomingMessage) -> bool:
    """Whether the channel the notice came on is still open (it may be settled)."""
    try:
        return not message.channel.is_closed
    except ChannelInvalidStateError:
        return False


async def _settle(settling: Awaitable[None], masked: str) -> None:
    """Acknowledge or return a notice; if its channel is gone RabbitMQ delivers it again."""
    try:
        await settling
    except Exception as exc:
        log.warning(
            "The turn notice of %s could not be settled (%s); it will come again and find "
            "nothing waiting",
            masked,
            type(exc).__name__,
        )

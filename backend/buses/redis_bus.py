"""The event bus across app replicas, on Redis pub/sub.

`publish` hands the event to this process's subscribers at once and sends it as
`PUBLISH {prefix}:{topic}` with a JSON envelope `{"origin": …, "event": {…}}`. One reader per
process holds `PSUBSCRIBE {prefix}:*` and dispatches what the other replicas publish into
the local hub (its own events it skips: they were delivered here already, also while Redis
is away). Pub/sub is best effort, like the port: an event published while a replica is not
subscribed is lost for it, and its listeners catch up from the database by last id.

If Redis goes away the reader logs it and subscribes again with a growing pause (0.5 s up
to 10 s); it never stops, and `publish` logs a failed send instead of raising.

Client: redis-py's asyncio API (`redis.asyncio`), pinned in requirements/app.in, rather
than `coredis`, which is pinned already for the rate limits: coredis 5.7's pub/sub
reconnects in a background task that spins on the CPU for as long as Redis is down (a
whole core in our trial) and never tells its reader that the connection is gone, while
redis-py's `PubSub` raises `ConnectionError` to our reader, which logs, pauses and
subscribes again.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import secrets
from collections.abc import Mapping
from contextlib import suppress
from typing import Any, Final

from redis.asyncio import Redis
from redis.exceptions import RedisError

from backend.buses.local import DEFAULT_QUEUE_SIZE, LocalHub, LocalSubscription, encode
from backend.domain.personal_data import mask_digits

__all__ = ["RedisBus"]

log = logging.getLogger(__name__)

FIRST_PAUSE_SECONDS: Final = 0.5
LONGEST_PAUSE_SECONDS: Final = 10.0
# The reader wakes this often without traffic, so a dead connection shows (with pings).
POLL_SECONDS: Final = 5.0
HEALTH_CHECK_SECONDS: Final = 30
GLOB_SPECIALS: Final = re.compile(r"([*?\[\]\\])")


class RedisBus:
    """The `EventBus` port on Redis pub/sub; `start` it to hear the other replicas."""

    def __init__(
        self,
        url: str,
        *,
        prefix: str = "aduan",
        queue_size: int = DEFAULT_QUEUE_SIZE,
        start_timeout_seconds: float = 5.0,
        first_pause_seconds: float = FIRST_PAUSE_SECONDS,
        longest_pause_seconds: float = LONGEST_PAUSE_SECONDS,
    ) -> None:
        if not prefix:
            raise ValueError("the prefix of the bus's channels may not be empty")
        self.prefix = prefix
        self.origin = secrets.token_hex(8)  # this replica; its own events come back unheard
        self._redis: Redis = Redis.from_url(
            url,
            decode_responses=True,
            client_name=f"{prefix}-bus",
            health_check_interval=HEALTH_CHECK_SECONDS,
            socket_connect_timeout=5,
        )
        self._hub = LocalHub(queue_size=queue_size)
        self._pattern = GLOB_SPECIALS.sub(r"\\\1", prefix) + ":*"
        self._start_timeout = start_timeout_seconds
        self._first_pause = first_pause_seconds
        self._longest_pause = longest_pause_seconds
        self._listening = asyncio.Event()
        self._reader: asyncio.Task[None] | None = None
        self._closed = False

    @property
    def listening(self) -> bool:
        """Whether the reader holds its subscription right now."""
        return self._listening.is_set()

    async def start(self) -> None:
        """Start the reader; return once it listens, or after `start_timeout_seconds` (logged;
        it keeps trying in the background). Never raises for an unreachable Redis."""
        if self._closed:
            raise RuntimeError("the event bus is closed")
        if self._reader is None:
            self._reader = asyncio.create_task(self._read(), name=f"{self.prefix}-bus-reader")
        try:
            async with asyncio.timeout(self._start_timeout):
                await self._listening.wait()
        except TimeoutError:
            log.warning("The event bus does not reach Redis yet; it keeps trying in the background")

    async def publish(self, topic: str, event: Mapping[str, Any], /) -> None:
        """Deliver to this process's subscribers, then to the other replicas through Redis.
        Raises TypeError for an event that is not JSON-serialisable; a Redis error is logged."""
        data = encode(event)
        self._hub.dispatch(topic, data)
        envelope = f'{{"origin":{json.dumps(self.origin)},"event":{data}}}'
        try:
            await self._redis.publish(f"{self.prefix}:{topic}", envelope)
        except (RedisError, OSError) as exc:
            log.warning(
                "An event of %s did not reach Redis (%s); other replicas catch up from the "
                "database",
                mask_digits(topic),
                type(exc).__name__,
            )

    def subscribe(self, topic: str, /) -> LocalSubscription:
        """Events of `topic` published after now, from any replica (from this one only until
        `start`)."""
        return self._hub.subscribe(topic)

    async def aclose(self) -> None:
        """Stop the reader, close every subscription and the connections. Idempotent."""
        if self._closed:
            return
        self._closed = True
        if self._reader is not None:
            self._reader.cancel()
            with suppress(asyncio.CancelledError):
                await self._reader
            self._reader = None
        self._listening.clear()
        self._hub.close_all()
        await self._redis.aclose()

    async def _read(self) -> None:
        pause = self._first_pause
        failures = 0
        while True:
            pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.psubscribe(self._pattern)
                self._listening.set()
                if failures:
                    log.info("The event bus hears Redis again (after %d failures)", failures)
                pause, failures = self._first_pause, 0
                while True:
                    message = await pubsub.get_message(
                        ignore_subscribe_messages=True, timeout=POLL_SECONDS
                    )
                    if message is not None:
                        self._receive(message)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # never let the reader die: log, pause, subscribe again
                self._listening.clear()
                failures += 1
                log.warning(
                    "The event bus lost Redis (%s); subscribing again in %.3g s",
                    type(exc).__name__,
                    pause,
                )
                await asyncio.sleep(pause)
                pause = min(pause * 2, self._longest_pause)
            finally:
                with suppress(Exception):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]  # untyped in redis-py

    def _receive(self, message: Mapping[str, Any]) -> None:
        channel = message.get("channel")
        if not isinstance(channel, str) or not channel.startswith(f"{self.prefix}:"):
            return
        topic = channel[len(self.prefix) + 1 :]
        if not self._hub.has_subscribers(topic):
            return
        try:
            envelope = json.loads(message["data"])
            if envelope["origin"] == self.origin:
                return
            data = encode(envelope["event"])
        except (ValueError, TypeError, KeyError):
            log.warning("An event of %s is not ours: ignored", mask_digits(topic))
            return
        self._hub.dispatch(topic, data)

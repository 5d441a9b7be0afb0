"""The events of this process: a hub of topics and their subscribers, and the in-process bus.

The hub keeps, for each topic, the bounded queues of its subscribers. Publishing never
waits: a subscriber that does not keep up loses its oldest events (logged), because the
event bus is best effort and listeners catch up from the database by last id. Each
subscriber gets its own copy of an event, decoded from the event's JSON, so what it reads
is what a subscriber on another replica reads through Redis.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping
from types import TracebackType
from typing import Any, Final, cast

from backend.domain.personal_data import mask_digits

__all__ = ["DEFAULT_QUEUE_SIZE", "InProcessBus", "LocalHub", "LocalSubscription"]

log = logging.getLogger(__name__)

# Events a subscriber may leave unread before its oldest ones are dropped.
DEFAULT_QUEUE_SIZE: Final = 256
_CLOSED: Final = object()  # wakes a reader waiting in `next` when its subscription closes


def encode(event: Mapping[str, Any]) -> str:
    """The event as JSON; TypeError when it is not JSON-serialisable."""
    return json.dumps(dict(event), ensure_ascii=False, separators=(",", ":"))


class LocalSubscription:
    """The events of one topic in this process, oldest first (`Subscription` port)."""

    def __init__(self, hub: LocalHub, topic: str, queue_size: int) -> None:
        self.topic = topic
        self._hub = hub
        self._queue: asyncio.Queue[object] = asyncio.Queue(maxsize=queue_size)
        self._closed = False
        self.dropped = 0  # events lost because this subscriber fell behind

    @property
    def closed(self) -> bool:
        return self._closed

    async def next(self, timeout: float | None = None) -> dict[str, Any] | None:
        """The next event, or None after `timeout` seconds without one, or once closed."""
        if self._closed:
            return None
        try:
            async with asyncio.timeout(timeout):
                item = await self._queue.get()
        except TimeoutError:
            return None
        if item is _CLOSED or self._closed:
            return None
        decoded: dict[str, Any] = json.loads(cast(str, item))
        return decoded

    def close(self) -> None:
        """Stop receiving; a reader waiting in `next` gets None. Closing twice is harmless."""
        if self._closed:
            return
        self._closed = True
        self._hub.remove(self)
        self._put(_CLOSED)

    def deliver(self, data: str) -> None:
        """Queue one event (its JSON) without waiting; the oldest goes if the queue is full."""
        if not self._closed:
            self._put(data)

    def _put(self, item: object) -> None:
        if self._queue.full():
            self._queue.get_nowait()
            self.dropped += 1
            if item is not _CLOSED:
                log.warning(
                    "A subscriber of %s is too slow: its oldest event was dropped (%d so far)",
                    mask_digits(self.topic),
                    self.dropped,
                )
        self._queue.put_nowait(item)

    def __enter__(self) -> LocalSubscription:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class LocalHub:
    """Topic → the subscriptions of this process. Dispatch never blocks the publisher."""

    def __init__(self, *, queue_size: int = DEFAULT_QUEUE_SIZE) -> None:
        if queue_size < 1:
            raise ValueError("queue_size must be 1 or more")
        self._queue_size = queue_size
        self._topics: dict[str, set[LocalSubscription]] = {}

    def subscribe(self, topic: str) -> LocalSubscription:
        subscription = LocalSubscription(self, topic, self._queue_size)
        self._topics.setdefault(topic, set()).add(subscription)
        return subscription

    def remove(self, subscription: LocalSubscription) -> None:
        subscribers = self._topics.get(subscription.topic)
        if subscribers is None:
            return
        subscribers.discard(subscription)
        if not subscribers:
            del self._topics[subscription.topic]

    def dispatch(self, topic: str, data: str) -> int:
        """Hand the event (its JSON) to the topic's subscribers here; how many there were."""
        subscribers = self._topics.get(topic, ())
        for subscription in tuple(subscribers):
            subscription.deliver(data)
        return len(subscribers)

    def has_subscribers(self, topic: str) -> bool:
        return topic in self._topics

    def close_all(self) -> None:
        """Close every subscription (their readers get None)."""
        for subscribers in tuple(self._topics.values()):
            for subscription in tuple(subscribers):
                subscription.close()


class InProcessBus:
    """The event bus of a single process (`EventBus` port): publish reaches subscribers here."""

    def __init__(self, *, queue_size: int = DEFAULT_QUEUE_SIZE) -> None:
        self._hub = LocalHub(queue_size=queue_size)

    async def start(self) -> None:
        """Nothing to connect; here so that every bus is started the same way."""

    async def publish(self, topic: str, event: Mapping[str, Any], /) -> None:
        self._hub.dispatch(topic, encode(event))

    def subscribe(self, topic: str, /) -> LocalSubscription:
        return self._hub.subscribe(topic)

    async def aclose(self) -> None:
        """Close every subscription."""
        self._hub.close_all()

"""An in-process event bus for unit tests: the `EventBus` port, shared by fake replicas."""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import Mapping
from typing import Any


class FakeSubscription:
    """The events of one topic published since it was made, in order."""

    def __init__(self, bus: FakeBus, topic: str) -> None:
        self.topic = topic
        self.closed = False
        self._bus = bus
        self._events: asyncio.Queue[dict[str, Any] | Exception] = asyncio.Queue()

    def put(self, event: dict[str, Any] | Exception) -> None:
        self._events.put_nowait(event)

    async def next(self, timeout: float | None = None) -> dict[str, Any] | None:
        if self._bus.broken is not None:
            raise self._bus.broken
        try:
            event = await asyncio.wait_for(self._events.get(), timeout)
        except TimeoutError:
            return None
        if isinstance(event, Exception):
            raise event
        return event

    def close(self) -> None:
        self.closed = True
        self._bus.subscriptions.discard(self)


class FakeBus:
    """Delivers each published event to every open subscription of its topic.

    `published` keeps every (topic, event); set `down` to make `publish` fail; `fail`
    breaks the subscriptions (as a lost connection would) until `heal`.
    """

    def __init__(self) -> None:
        self.subscriptions: set[FakeSubscription] = set()
        self.published: list[tuple[str, dict[str, Any]]] = []
        self.down = False
        self.broken: Exception | None = None

    async def publish(self, topic: str, event: Mapping[str, Any], /) -> None:
        if self.down:
            raise ConnectionError("the bus is down")
        copied = json.loads(json.dumps(event))  # as a real bus would: JSON, a copy
        self.published.append((topic, copy.deepcopy(copied)))
        for subscription in list(self.subscriptions):
            if subscription.topic == topic:
                subscription.put(copy.deepcopy(copied))

    def subscribe(self, topic: str, /) -> FakeSubscription:
        subscription = FakeSubscription(self, topic)
        self.subscriptions.add(subscription)
        return subscription

    def fail(self, error: Exception) -> None:
        """Every subscription fails now, and new ones fail, until `heal`."""
        self.broken = error
        for subscription in list(self.subscriptions):
            subscription.put(error)

    def heal(self) -> None:
        self.broken = None

    def topics(self) -> set[str]:
        """The topics somebody listens to."""
        return {subscription.topic for subscription in self.subscriptions}

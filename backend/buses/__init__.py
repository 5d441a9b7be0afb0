"""Event buses (the `EventBus` port): in process for one app process, Redis across replicas.

    bus = await open_event_bus(settings.redis_url)  # started; in process when the URL is ""
    subscription = bus.subscribe(f"conversation:{conversation_id}")
    await bus.publish(f"conversation:{conversation_id}", {"type": "answers", "last_id": 42})
    event = await subscription.next(timeout=25)  # None after 25 s without one
    subscription.close()
    await bus.aclose()  # at shutdown

Events are best effort: a listener that missed some catches up from the database.
"""

from __future__ import annotations

from typing import Protocol

from backend.buses.local import InProcessBus, LocalHub, LocalSubscription
from backend.buses.redis_bus import RedisBus
from backend.services.ports import EventBus

__all__ = [
    "InProcessBus",
    "LocalHub",
    "LocalSubscription",
    "RedisBus",
    "RunningEventBus",
    "open_event_bus",
]


class RunningEventBus(EventBus, Protocol):
    """An event bus the app starts and closes."""

    async def start(self) -> None:
        """Start hearing the other replicas (nothing to do in process)."""

    async def aclose(self) -> None:
        """Stop, and close every subscription."""


async def open_event_bus(redis_url: str, *, prefix: str = "aduan") -> RunningEventBus:
    """A started bus: on Redis when `redis_url` is set, else in process.

    Async because the Redis bus waits (up to 5 s) for its subscription; it does not raise
    when Redis cannot be reached, it logs and keeps trying in the background.
    """
    bus: RunningEventBus = RedisBus(redis_url, prefix=prefix) if redis_url else InProcessBus()
    await bus.start()
    return bus

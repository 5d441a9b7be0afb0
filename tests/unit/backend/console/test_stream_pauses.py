"""A console stream reads again as soon as the bus announces something, else at its poll."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from backend.buses.local import LocalHub
from backend.console.streams import pause_for_news


class BrokenSubscription:
    async def next(self, timeout: float | None = None) -> dict[str, Any] | None:
        raise ConnectionError("redis is away")

    def close(self) -> None: ...


async def test_an_event_on_the_bus_ends_the_pause_at_once() -> None:
    hub = LocalHub()
    wake = hub.subscribe("chats")
    asyncio.get_running_loop().call_later(0.05, hub.dispatch, "chats", '{"type": "message"}')

    started = time.monotonic()
    await pause_for_news(wake, 5.0)

    assert time.monotonic() - started < 1.0


async def test_without_events_the_pause_lasts_the_poll() -> None:
    wake = LocalHub().subscribe("chats")

    started = time.monotonic()
    await pause_for_news(wake, 0.2)

    assert time.monotonic() - started >= 0.19


async def test_a_bus_that_is_away_leaves_the_poll() -> None:
    started = time.monotonic()
    await pause_for_news(BrokenSubscription(), 0.2)

    assert time.monotonic() - started >= 0.19

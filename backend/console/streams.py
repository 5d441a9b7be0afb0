"""Server-sent events for the console: the page gets what changed, without reloading."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

from sanic import Request

Event = tuple[str, Any]
POLL_SECONDS = 1.0
KEEP_ALIVE_SECONDS = 15.0
# A stream ends after a while and the browser reconnects (EventSource does by itself), so no
# connection outlives a deploy for long and a logged-out session stops receiving.
STREAM_SECONDS = 300.0
RECONNECT_MILLISECONDS = 1500
SESSION_CHECK_SECONDS = 10.0


async def stream_events(
    request: Request,
    next_events: Callable[[], Awaitable[list[Event]]],
    *,
    still_allowed: Callable[[], Awaitable[bool]],
    poll_seconds: float = POLL_SECONDS,
    stream_seconds: float = STREAM_SECONDS,
) -> None:
    """Send what `next_events` returns, polling it, until time is up or the session ended."""
    response = await request.respond(
        content_type="text/event-stream; charset=utf-8",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
    await response.send(f"retry: {RECONNECT_MILLISECONDS}\n\n")
    started = last_sent = checked = time.monotonic()
    while time.monotonic() - started < stream_seconds:
        if time.monotonic() - checked > SESSION_CHECK_SECONDS:
            if not await still_allowed():
                break
            checked = time.monotonic()
        events = await next_events()
        for name, data in events:
            await response.send(f"event: {name}\ndata: {json.dumps(data)}\n\n")
            last_sent = time.monotonic()
        if time.monotonic() - last_sent > KEEP_ALIVE_SECONDS:
            await response.send(": keep-alive\n\n")
            last_sent = time.monotonic()
        await asyncio.sleep(poll_seconds)
    await response.eof()


def when_changed(
    snapshot: Callable[[], Awaitable[Any]], name: str
) -> Callable[[], Awaitable[list[Event]]]:
    """Events of `snapshot`'s value, sent the first time and whenever it changes."""
    last: list[str] = []

    async def next_events() -> list[Event]:
        value = await snapshot()
        encoded = json.dumps(value, sort_keys=True)
        if last and last[0] == encoded:
            return []
        last[:] = [encoded]
        return [(name, value)]

    return next_events

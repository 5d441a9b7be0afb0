"""Server-sent events for the console: the page gets what changed, without reloading."""

from __future__ import annotations

import asyncio
import json
import math
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sanic import Request
from sanic.exceptions import SanicException

from backend.services.ports import Subscription

Event = tuple[str, Any]
OnNews = Callable[[dict[str, Any]], list[Event]]
POLL_SECONDS = 1.0
KEEP_ALIVE_SECONDS = 15.0
# A stream ends after a while and the browser reconnects (EventSource does by itself), so no
# connection outlives a deploy for long and a logged-out session stops receiving.
STREAM_SECONDS = 300.0
RECONNECT_MILLISECONDS = 1500
SESSION_CHECK_SECONDS = 10.0


class TooManyStreams(SanicException):
    """A session asked for one live stream more than it may hold open."""

    status_code = 429
    quiet = True


class StreamSlots:
    """How many event streams each console session holds open; one over the cap is refused."""

    def __init__(self, per_session: int) -> None:
        self.per_session = per_session
        self._open: dict[str, list[float]] = {}

    @contextmanager
    def hold(self, session: str) -> Iterator[None]:
        """Hold one of the session's slots while the block runs; TooManyStreams if none is free."""
        started = time.monotonic()
        opened = self._open.setdefault(session, [])
        if len(opened) >= self.per_session:
            # Streams end after STREAM_SECONDS at the latest, so the oldest frees a slot then.
            retry_after = max(1, math.ceil(opened[0] + STREAM_SECONDS - started))
            raise TooManyStreams(
                f"at most {self.per_session} live streams per session; close a console tab",
                headers={"Retry-After": str(retry_after)},
            )
        opened.append(started)
        try:
            yield
        finally:
            opened.remove(started)
            if not opened:
                self._open.pop(session, None)


async def stream_events(
    request: Request,
    next_events: Callable[[], Awaitable[list[Event]]],
    *,
    still_allowed: Callable[[], Awaitable[bool]],
    poll_seconds: float = POLL_SECONDS,
    stream_seconds: float = STREAM_SECONDS,
    topic: str | None = None,
    on_news: OnNews | None = None,
) -> None:
    """Send what `next_events` returns, polling it, until time is up or the session ended.

    With a `topic`, an event on the bus (from any replica) makes it read at once instead of
    at the next poll; the database stays the source, read from the last id sent.
    `on_news` turns a bus event into events sent at once (what is never stored: typing).
    A session holds at most `max_streams_per_session` streams at once (429 beyond).
    """
    with request.app.ctx.console_streams.hold(request.ctx.session_token):
        wake = request.app.ctx.bus.subscribe(topic) if topic is not None else None
        try:
            await _stream(
                request, next_events, still_allowed, poll_seconds, stream_seconds, wake, on_news
            )
        finally:
            if wake is not None:
                wake.close()


async def _stream(
    request: Request,
    next_events: Callable[[], Awaitable[list[Event]]],
    still_allowed: Callable[[], Awaitable[bool]],
    poll_seconds: float,
    stream_seconds: float,
    wake: Subscription | None,
    on_news: OnNews | None = None,
) -> None:
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
        # Between polls the request's session holds no connection (on SQLite, no write lock),
        # and the next poll reads afresh rather than from the objects it has already loaded.
        await request.ctx.db_session.close()
        for name, data in events:
            await response.send(f"event: {name}\ndata: {json.dumps(data)}\n\n")
            last_sent = time.monotonic()
        if time.monotonic() - last_sent > KEEP_ALIVE_SECONDS:
            await response.send(": keep-alive\n\n")
            last_sent = time.monotonic()
        news = await pause_for_news(wake, poll_seconds)
        if news is not None and on_news is not None:
            for name, data in on_news(news):
                await response.send(f"event: {name}\ndata: {json.dumps(data)}\n\n")
                last_sent = time.monotonic()
    await response.eof()


async def pause_for_news(wake: Subscription | None, seconds: float) -> dict[str, Any] | None:
    """Until the next poll, or until an event arrives on the bus (returned)."""
    if wake is None:
        await asyncio.sleep(seconds)
        return None
    try:
        return await wake.next(timeout=seconds)
    except asyncio.CancelledError:
        raise
    except Exception:  # the bus is away: poll
        await asyncio.sleep(seconds)
        return None


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

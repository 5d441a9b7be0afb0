"""A console session holds only so many live event streams; a closed one frees its slot."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

import httpx

from tests.integration.console.support import Console

STREAM = "/console/queue/stream"


async def open_stream(stack: AsyncExitStack, console: Console) -> httpx.Response:
    """A stream of the session, kept open until the stack closes."""
    return await stack.enter_async_context(console.client.stream("GET", STREAM))


async def test_a_session_may_not_open_more_than_ten_live_streams(agent: Console) -> None:
    async with AsyncExitStack() as streams:
        opened = [await open_stream(streams, agent) for _ in range(10)]
        refused = await agent.client.get(STREAM)

    assert [stream.status_code for stream in opened] == [200] * 10
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 300
    assert "live streams" in refused.json()["message"]


async def test_a_closed_stream_gives_its_slot_back(agent: Console) -> None:
    async with AsyncExitStack() as streams:
        for _ in range(9):
            await open_stream(streams, agent)
        async with AsyncExitStack() as last:
            await open_stream(last, agent)
        for _ in range(50):  # the server notices the closed connection
            async with AsyncExitStack() as again:
                reopened = await open_stream(again, agent)
                if reopened.status_code == 200:
                    break
            await asyncio.sleep(0.1)

    assert reopened.status_code == 200

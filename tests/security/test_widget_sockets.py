"""A conversation holds only so many open widget sockets; a closed one frees its slot."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

from websockets.exceptions import ConnectionClosed

from tests.integration.bot.support import Gateway
from tests.integration.bot.web_support import Widget, base_url, open_widget


async def resume(stack: AsyncExitStack, web: Gateway, first: Widget) -> Widget:
    """Another tab of `first`'s conversation, kept open until the stack closes."""
    widget = await stack.enter_async_context(open_widget(base_url(web)))
    await widget.send(
        {"type": "hello", "conversation_id": first.conversation_id, "token": first.token}
    )
    return widget


async def test_a_sixth_widget_of_one_conversation_is_refused_and_closed(web: Gateway) -> None:
    async with AsyncExitStack() as tabs:
        first = await tabs.enter_async_context(open_widget(base_url(web)))
        await first.hello()
        others = [await resume(tabs, web, first) for _ in range(5)]
        answers = [await widget.receive() for widget in others]
        closed = False
        try:
            await asyncio.wait_for(others[-1].socket.recv(), 5)
        except ConnectionClosed:
            closed = True
        except TimeoutError:
            pass

    assert [answer["type"] for answer in answers] == ["session"] * 4 + ["error"]
    assert answers[-1]["error"] == "too_many_connections"
    assert closed


async def test_a_closed_widget_frees_its_slot_for_another_tab(web: Gateway) -> None:
    async with AsyncExitStack() as tabs:
        first = await tabs.enter_async_context(open_widget(base_url(web)))
        await first.hello()
        for _ in range(3):
            await (await resume(tabs, web, first)).receive()
        async with AsyncExitStack() as last:
            await (await resume(last, web, first)).receive()
        for _ in range(50):  # the server notices the closed socket
            async with AsyncExitStack() as again:
                answer = await (await resume(again, web, first)).receive()
            if answer["type"] == "session":
                break
            await asyncio.sleep(0.1)

    assert answer["type"] == "session"

"""Test support for the web widget channel: a widget client and uploads the way it sends them."""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

from tests.integration.bot.support import Gateway

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(64))


class Widget:
    """One widget's socket, speaking the frames of bot/channels/web_socket.py."""

    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket
        self.conversation_id = ""
        self.token = ""

    async def send(self, frame: Any) -> None:
        await self.socket.send(frame if isinstance(frame, str | bytes) else json.dumps(frame))

    async def receive(self, timeout: float = 10.0) -> dict[str, Any]:
        frame = json.loads(await asyncio.wait_for(self.socket.recv(), timeout))
        assert isinstance(frame, dict)
        return frame

    async def hello(self, **fields: Any) -> dict[str, Any]:
        """Send a hello; keep the session it opens."""
        await self.send({"type": "hello", **fields})
        session = await self.receive()
        assert session["type"] == "session", session
        self.conversation_id, self.token = session["conversation_id"], session["token"]
        return session

    async def say(self, text: str, client_id: str | None = None) -> dict[str, Any]:
        """Send a message; the frame that answers it at once (`received`, or a refusal)."""
        frame: dict[str, Any] = {"type": "message", "text": text}
        if client_id is not None:
            frame["id"] = client_id
        await self.send(frame)
        return await self.receive()

    async def until(
        self, wanted: Callable[[dict[str, Any]], bool], timeout: float = 10.0
    ) -> list[dict[str, Any]]:
        """The frames received up to the first one `wanted` accepts (the last one)."""
        deadline = time.monotonic() + timeout
        frames: list[dict[str, Any]] = []
        while not frames or not wanted(frames[-1]):
            frames.append(await self.receive(max(0.01, deadline - time.monotonic())))
        return frames

    async def answer_to(self, client_id: str) -> dict[str, Any]:
        """The first answers frame replying to the message `client_id` (sent by the worker)."""
        frames = await self.until(
            lambda frame: frame["type"] == "answers" and frame.get("reply_to") == client_id
        )
        return frames[-1]

    async def ask(self, text: str, client_id: str | None = None) -> dict[str, Any]:
        """Send a message and wait for the bot's first answer to it."""
        client_id = client_id or secrets.token_hex(6)
        await self.send({"type": "message", "text": text, "id": client_id})
        return await self.answer_to(client_id)


@asynccontextmanager
async def open_widget(url: str) -> AsyncIterator[Widget]:
    """A websocket to the widget channel of the app at `url`."""
    socket_url = url.replace("http://", "ws://") + "/webhooks/web/socket"
    async with connect(socket_url, open_timeout=5) as socket:
        yield Widget(socket)


def base_url(gateway: Gateway) -> str:
    return str(gateway.client.base_url).rstrip("/")


async def upload(
    gateway: Gateway,
    widget: Widget,
    content: bytes,
    *,
    name: str = "bukti.pdf",
    content_type: str = "application/pdf",
    token: str | None = None,
) -> httpx.Response:
    """POST a document the way the widget does (multipart `file`, the conversation's token)."""
    return await gateway.client.post(
        f"/webhooks/web/conversations/{widget.conversation_id}/documents",
        files={"file": (name, content, content_type)},
        headers={"X-Widget-Token": widget.token if token is None else token},
    )

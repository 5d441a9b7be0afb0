"""Test support for the channel integration tests: the running app and what it stored."""

from __future__ import annotations

import secrets
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any

import httpx
from sanic import Sanic
from sqlalchemy import func, select

from backend.app import create_app
from backend.db.channel_tables import ChannelDelivery
from backend.db.engine import Database
from backend.db.tables import Conversation, Message
from backend.settings import Settings
from tests.fakes.payloads import whatsapp_body, whatsapp_signature
from tests.fakes.platforms import TELEGRAM_WEBHOOK_SECRET, WHATSAPP_APP_SECRET


@dataclass
class Gateway:
    """A running app: the Sanic app (for `ctx`) and an HTTP client on its address."""

    app: Sanic
    client: httpx.AsyncClient

    async def post_update(
        self, update: dict[str, Any], secret: str | None = TELEGRAM_WEBHOOK_SECRET
    ) -> httpx.Response:
        """POST a Telegram update the way Telegram does, with the secret header."""
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
        return await self.client.post("/webhooks/telegram", json=update, headers=headers)

    async def post_delivery(
        self, payload: dict[str, Any], signature: str | None = None
    ) -> httpx.Response:
        """POST a WhatsApp delivery the way Meta does: raw JSON, signed with the app secret."""
        body = whatsapp_body(payload)
        signature = signature or whatsapp_signature(WHATSAPP_APP_SECRET, body)
        headers = {"Content-Type": "application/json", "X-Hub-Signature-256": signature}
        return await self.client.post("/webhooks/whatsapp", content=body, headers=headers)


@asynccontextmanager
async def serve(settings: Settings) -> AsyncIterator[Gateway]:
    """`create_app(settings)` on 127.0.0.1:<spare port> in this event loop, until the block ends."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app(replace(settings, app_port=port), name=f"test_{secrets.token_hex(4)}")
    app.config.TOUCHUP = False  # touch-up rewrites shared classes once; a second app breaks it
    app.config.MOTD = False
    server = await app.create_server(sock=sock, access_log=False, return_asyncio_server=True)
    assert server is not None
    await server.startup()
    await server.before_start()
    await server.after_start()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            yield Gateway(app, client)
    finally:
        await server.before_stop()
        await server.close()
        await server.after_stop()
        sock.close()


async def counts(db: Database) -> dict[str, int]:
    """How many conversations, messages and channel deliveries are stored."""
    found = {}
    async with db.session() as session:
        for name, table in (
            ("conversations", Conversation),
            ("messages", Message),
            ("deliveries", ChannelDelivery),
        ):
            found[name] = (
                await session.execute(select(func.count()).select_from(table))
            ).scalar_one()
    return found


async def transcript(db: Database, conversation_id: str) -> list[tuple[str, str, Any]]:
    """The stored transcript of a conversation: (sender, text, payload), oldest first."""
    async with db.session() as session:
        result = await session.execute(
            select(Message.sender, Message.text, Message.payload)
            .where(Message.conversation_id == conversation_id)
            .order_by(Message.id)
        )
        return [tuple(row) for row in result.all()]


NOTHING = {"conversations": 0, "messages": 0, "deliveries": 0}

"""The app server on a spare port, in the test's event loop, over a migrated database."""

from __future__ import annotations

import secrets
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sanic import Sanic

from backend.app import create_app
from backend.db.engine import Database
from backend.settings import Settings

TOKEN = "test-" + secrets.token_urlsafe(24)


@dataclass
class RunningApp:
    app: Sanic
    url: str


@pytest.fixture
async def running_app(db: Database, database_url: str, tmp_path: Path) -> AsyncIterator[RunningApp]:
    """`create_app` served on 127.0.0.1:<spare port> until the test ends (var/ in tmp_path).

    Tests may set `running_app.app.ctx.clock` to fix the server's idea of now.
    """
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    settings = Settings(
        database_url=database_url,
        app_api_token=TOKEN,
        rasa_auth_token=secrets.token_urlsafe(24),
        rasa_url="http://127.0.0.1:9",
        actions_url="http://127.0.0.1:9",
        app_port=port,
        var_dir=tmp_path / "var",
    )
    app = create_app(settings, name=f"test_{secrets.token_hex(4)}")
    app.config.TOUCHUP = False  # touch-up rewrites shared classes once; a second app breaks it
    app.config.MOTD = False
    server = await app.create_server(sock=sock, access_log=False, return_asyncio_server=True)
    assert server is not None
    await server.startup()
    await server.before_start()
    await server.after_start()
    try:
        yield RunningApp(app, f"http://127.0.0.1:{port}")
    finally:
        await server.before_stop()
        await server.close()
        await server.after_stop()
        sock.close()


@pytest.fixture
async def api(running_app: RunningApp) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client of the case API, with the bearer token."""
    async with httpx.AsyncClient(
        base_url=running_app.url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10
    ) as client:
        yield client

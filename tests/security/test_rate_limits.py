"""Floods on the chat doors are throttled with 429 and Retry-After; a person, or a load test, never.

Limits are the defaults unless a test names its own. Counters are in process, except in
the Redis test, where two app replicas share them.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from backend.db.engine import Database
from backend.settings import Settings, SettingsError
from tests.conftest import unavailable
from tests.integration.bot.support import Gateway, serve
from tests.integration.bot.web_support import PDF, base_url, open_widget, upload

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


async def say(gateway: Gateway, sender: str, message: str = "halo") -> httpx.Response:
    return await gateway.client.post(
        "/webhooks/rest/webhook", json={"sender": sender, "message": message}
    )


@asynccontextmanager
async def app_with(settings: Settings, tmp_path: Path, **limits: Any) -> AsyncIterator[Gateway]:
    """The app with some limits of its own."""
    async with serve(replace(settings, var_dir=tmp_path / "var", **limits)) as running:
        yield running


def retry_after(response: httpx.Response) -> int:
    return int(response.headers["retry-after"])


async def test_a_flood_on_one_rest_conversation_is_answered_429_with_retry_after(
    gateway: Gateway,
) -> None:
    answers = [await say(gateway, "budi", f"pesan {n}") for n in range(40)]
    statuses = [answer.status_code for answer in answers]
    refused = answers[-1]

    assert statuses[:30] == [200] * 30  # the default: 30 per 10 seconds, 120 per minute
    assert statuses[30:] == [429] * 10
    assert refused.json()["error"] == "rate_limited"
    assert 1 <= retry_after(refused) <= 10
    assert (await say(gateway, "siti")).status_code == 200  # another conversation goes on


async def test_hundreds_of_messages_from_one_address_are_throttled_across_conversations(
    db: Database, settings: Settings, tmp_path: Path
) -> None:
    async with app_with(settings, tmp_path, rate_limit_per_ip="20 per minute") as app:
        statuses = [(await say(app, f"pelanggan{n}")).status_code for n in range(25)]

    assert statuses == [200] * 20 + [429] * 5


async def test_fifty_conversations_at_a_turn_a_second_from_one_address_are_never_throttled(
    gateway: Gateway,
) -> None:
    async def conversation(number: int) -> list[int]:
        statuses = []
        for turn in range(4):
            statuses.append((await say(gateway, f"beban{number}", f"giliran {turn}")).status_code)
            await asyncio.sleep(1.0)
        return statuses

    results = await asyncio.gather(*(conversation(n) for n in range(50)))

    assert {status for statuses in results for status in statuses} == {200}


async def test_a_flood_on_a_widget_socket_gets_rate_limited_frames_and_the_socket_stays_open(
    web: Gateway,
) -> None:
    async with open_widget(base_url(web)) as widget:
        await widget.hello()
        for n in range(40):
            await widget.send({"type": "message", "text": f"pesan {n}", "id": f"m{n}"})
        frames = []
        while len(frames) < 40:  # each message's own reply; the bot's answers come between
            frame = await widget.receive()
            if frame["type"] in ("received", "error"):
                frames.append(frame)
        await widget.send({"type": "ping"})
        pong = await widget.until(lambda frame: frame["type"] == "pong")

    refused = [frame for frame in frames if frame["type"] == "error"]
    taken = [frame for frame in frames if frame["type"] == "received"]
    assert len(taken) == 30
    assert len(refused) == 10
    assert {frame["error"] for frame in refused} == {"rate_limited"}
    assert all(1 <= frame["retry_after"] <= 10 for frame in refused)
    assert {frame["reply_to"] for frame in refused} == {f"m{n}" for n in range(30, 40)}
    assert pong[-1] == {"type": "pong"}


async def test_an_upload_flood_on_one_conversation_is_answered_429_with_retry_after(
    web: Gateway,
) -> None:
    async with open_widget(base_url(web)) as widget:
        await widget.hello()
        answers = [await upload(web, widget, PDF + bytes([n])) for n in range(6)]

    assert [answer.status_code for answer in answers] == [201] * 5 + [429]
    assert answers[-1].json()["error"] == "rate_limited"
    assert 1 <= retry_after(answers[-1]) <= 60
    assert answers[-1].json()["retry_after"] == retry_after(answers[-1])


async def test_counters_in_redis_hold_across_app_replicas(
    db: Database, settings: Settings, tmp_path: Path
) -> None:
    address = urlsplit(REDIS_URL)
    try:
        socket.create_connection((address.hostname, address.port or 6379), timeout=1).close()
    except OSError as exc:
        unavailable(f"Redis is not available at {REDIS_URL}: {exc}")
    shared = replace(
        settings,
        redis_url=REDIS_URL,
        rate_limit_prefix=f"test-{secrets.token_hex(6)}",
        rate_limit_per_conversation="3 per minute",
    )
    async with (
        app_with(shared, tmp_path / "one") as one,
        app_with(shared, tmp_path / "two") as two,
    ):
        statuses = [
            (await say(one, "budi")).status_code,
            (await say(two, "budi")).status_code,
            (await say(one, "budi")).status_code,
            (await say(two, "budi")).status_code,
        ]

    assert statuses == [200, 200, 200, 429]


def test_a_limit_that_does_not_read_as_a_rate_stops_the_app_at_start(tmp_path: Path) -> None:
    environ = {
        "APP_API_TOKEN": secrets.token_urlsafe(24),
        "RASA_AUTH_TOKEN": secrets.token_urlsafe(24),
        "RATE_LIMIT_PER_IP": "lots",
    }

    with pytest.raises(SettingsError, match="RATE_LIMIT_PER_IP"):
        Settings.from_env(environ, env_file=tmp_path / "no.env")


async def test_a_redis_that_does_not_answer_lets_the_customers_through(
    db: Database, settings: Settings, tmp_path: Path
) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    async with app_with(settings, tmp_path, redis_url=f"redis://127.0.0.1:{port}/0") as app:
        answer = await say(app, "budi")

    assert answer.status_code == 200

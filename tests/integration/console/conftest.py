"""The real app against a fake Rasa, with agents and a signed-in console client per role."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher

from backend.console.passwords import Argon2Passwords
from backend.db.engine import Database
from backend.settings import Settings
from tests.fakes.rasa_api import FakeRasaApi
from tests.integration.bot.support import Gateway, serve
from tests.integration.console.support import PASSWORD, Console, add_agent, sign_in

# Real argon2id, with parameters small enough for tests.
FAST_PASSWORDS = Argon2Passwords(PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))


@pytest.fixture
def fake_rasa() -> Iterator[FakeRasaApi]:
    with FakeRasaApi() as fake:
        yield fake


@asynccontextmanager
async def console_with(
    database_url: str, fake_rasa: FakeRasaApi, tmp_path: Path, **overrides: Any
) -> AsyncIterator[Gateway]:
    """The app on a spare port; Rasa is the fake, passwords hash quickly; settings overridable."""
    settings = Settings(
        database_url=database_url,
        app_api_token=secrets.token_urlsafe(24),
        rasa_auth_token=secrets.token_urlsafe(24),
        rasa_url=fake_rasa.url,
        actions_url="http://127.0.0.1:9",
        var_dir=tmp_path / "var",
        **overrides,
    )
    async with serve(settings) as running:
        running.app.ctx.passwords = FAST_PASSWORDS
        yield running


@pytest.fixture
async def gateway(
    db: Database, database_url: str, fake_rasa: FakeRasaApi, tmp_path: Path
) -> AsyncIterator[Gateway]:
    """The console's app with the default settings."""
    async with console_with(database_url, fake_rasa, tmp_path) as running:
        yield running


@pytest.fixture
async def agent(gateway: Gateway) -> AsyncIterator[Console]:
    """Agent Rina, signed in."""
    await add_agent(gateway, "rina", "Rina Wulandari", "agent")
    async with sign_in(gateway, "rina", PASSWORD) as console:
        yield console


@pytest.fixture
async def supervisor(gateway: Gateway) -> AsyncIterator[Console]:
    """Supervisor Sari, signed in."""
    await add_agent(gateway, "sari", "Sari Supervisor", "supervisor")
    async with sign_in(gateway, "sari", PASSWORD) as console:
        yield console

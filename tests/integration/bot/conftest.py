"""The real app with both messaging channels on, against fake Telegram, Graph and Rasa servers."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from backend.db.engine import Database
from backend.settings import Settings
from tests.fakes.platforms import (
    TELEGRAM_BOT_TOKEN,
    TELEGRAM_WEBHOOK_SECRET,
    WHATSAPP_ACCESS_TOKEN,
    WHATSAPP_APP_SECRET,
    WHATSAPP_PHONE_NUMBER_ID,
    WHATSAPP_VERIFY_TOKEN,
    FakeGraph,
    FakeRasa,
    FakeTelegram,
)
from tests.integration.bot.support import Gateway, serve


@pytest.fixture
def fake_rasa() -> Iterator[FakeRasa]:
    with FakeRasa() as fake:
        yield fake


@pytest.fixture
def fake_telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram() as fake:
        yield fake


@pytest.fixture
def fake_graph() -> Iterator[FakeGraph]:
    with FakeGraph() as fake:
        yield fake


@pytest.fixture
def settings(
    database_url: str, fake_rasa: FakeRasa, fake_telegram: FakeTelegram, fake_graph: FakeGraph
) -> Settings:
    """Both channels on, every outside service a fake on 127.0.0.1."""
    return Settings(
        database_url=database_url,
        app_api_token=secrets.token_urlsafe(24),
        rasa_auth_token=secrets.token_urlsafe(24),
        rasa_url=fake_rasa.url,
        actions_url="http://127.0.0.1:9",
        telegram_bot_token=TELEGRAM_BOT_TOKEN,
        telegram_webhook_secret=TELEGRAM_WEBHOOK_SECRET,
        telegram_api_url=fake_telegram.api_url,
        whatsapp_verify_token=WHATSAPP_VERIFY_TOKEN,
        whatsapp_app_secret=WHATSAPP_APP_SECRET,
        whatsapp_access_token=WHATSAPP_ACCESS_TOKEN,
        whatsapp_phone_number_id=WHATSAPP_PHONE_NUMBER_ID,
        whatsapp_api_url=fake_graph.api_url,
    )


@pytest.fixture
async def gateway(db: Database, settings: Settings) -> AsyncIterator[Gateway]:
    async with serve(settings) as running:
        yield running


@pytest.fixture
async def web(db: Database, settings: Settings, tmp_path: Path) -> AsyncIterator[Gateway]:
    """The app for the web widget's tests: fakes as above, documents under tmp_path."""
    async with serve(replace(settings, var_dir=tmp_path / "var")) as running:
        yield running

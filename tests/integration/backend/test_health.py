"""The health routes: `/health` is green only with everything up; `/readyz` only needs the
database (Rasa and the actions are reported, never decisive); `/livez` needs nothing. Each
names the replica that answered, so a test through a load balancer sees which one did."""

from __future__ import annotations

import secrets
import socket
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from typing import Any

import httpx
import pytest

from backend.db.engine import Database
from backend.settings import Settings
from tests.fakes.platforms import Call, FakeRasa, FakeServer
from tests.integration.bot.support import serve

NOBODY = "http://127.0.0.1:9"  # nothing listens there: connection refused at once
UNREACHABLE_DATABASE = "postgresql+asyncpg://postgres@127.0.0.1:9/aduan"


class FakeActionServer(FakeServer):
    """rasa_sdk's action server, as far as its health route goes."""

    def answer(self, call: Call) -> tuple[int, Any]:
        return (200, {"status": "ok"}) if call.path == "/health" else (404, {})


@pytest.fixture
def rasa() -> Iterator[FakeRasa]:
    with FakeRasa() as fake:
        yield fake


@pytest.fixture
def actions() -> Iterator[FakeActionServer]:
    with FakeActionServer() as fake:
        yield fake


def settings_for(database_url: str, rasa_url: str, actions_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        app_api_token=secrets.token_urlsafe(24),
        rasa_auth_token=secrets.token_urlsafe(24),
        rasa_url=rasa_url,
        actions_url=actions_url,
        replica_id="app-7",
    )


@pytest.fixture
async def everything_up(
    db: Database, database_url: str, rasa: FakeRasa, actions: FakeActionServer
) -> AsyncIterator[httpx.AsyncClient]:
    async with serve(settings_for(database_url, rasa.url, actions.base_url)) as running:
        yield running.client


@pytest.fixture
async def only_the_database_up(db: Database, database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with serve(settings_for(database_url, NOBODY, NOBODY)) as running:
        yield running.client


@pytest.fixture
async def database_down(
    rasa: FakeRasa, actions: FakeActionServer
) -> AsyncIterator[httpx.AsyncClient]:
    async with serve(settings_for(UNREACHABLE_DATABASE, rasa.url, actions.base_url)) as running:
        yield running.client


async def test_with_everything_up_the_replica_is_healthy_ready_and_live_and_says_which_it_is(
    everything_up: httpx.AsyncClient,
) -> None:
    for path in ("/health", "/readyz", "/livez"):
        response = await everything_up.get(path)
        assert response.status_code == 200, (path, response.text)
        assert response.headers["X-Replica"] == "app-7"
        assert response.json()["replica"] == "app-7"
    health = (await everything_up.get("/health")).json()
    assert (health["status"], health["down"]) == ("ok", [])
    assert health["components"] == {"database": "ok", "rasa": "ok", "actions": "ok"}
    ready = (await everything_up.get("/readyz")).json()
    assert ready["status"] == "ready"
    assert ready["components"] == {"database": "ok", "rasa": "ok", "actions": "ok"}
    assert (await everything_up.get("/livez")).json() == {"status": "alive", "replica": "app-7"}


async def test_while_rasa_and_the_actions_are_down_the_replica_is_unhealthy_but_still_ready(
    only_the_database_up: httpx.AsyncClient,
) -> None:
    health = await only_the_database_up.get("/health")
    ready = await only_the_database_up.get("/readyz")

    assert health.status_code == 503
    assert health.json()["down"] == ["rasa", "actions"]
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"
    assert ready.json()["components"] == {"database": "ok", "rasa": "down", "actions": "down"}


async def test_without_its_database_the_replica_is_live_but_neither_ready_nor_healthy(
    database_down: httpx.AsyncClient,
) -> None:
    ready = await database_down.get("/readyz")
    health = await database_down.get("/health")
    live = await database_down.get("/livez")

    assert ready.status_code == 503
    assert ready.json()["status"] == "not_ready"
    assert ready.json()["components"] == {"database": "down", "rasa": "ok", "actions": "ok"}
    assert (health.status_code, health.json()["down"]) == (503, ["database"])
    assert live.status_code == 200


async def test_without_a_replica_id_the_host_name_names_the_replica(
    db: Database, database_url: str
) -> None:
    settings = replace(settings_for(database_url, NOBODY, NOBODY), replica_id="")
    async with serve(settings) as running:
        response = await running.client.get("/livez")

    assert response.headers["X-Replica"] == socket.gethostname()

"""Console login limits: per user name, per address and in total, counted before any hashing."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from backend.console.passwords import Argon2Passwords
from backend.db.engine import Database
from tests.fakes.rasa_api import FakeRasaApi
from tests.integration.bot.support import Gateway
from tests.integration.console.conftest import FAST_PASSWORDS, console_with
from tests.integration.console.support import PASSWORD, add_agent, post_login

WRONG = "guess number x"


class CountingPasswords:
    """The test's argon2, counting how many passwords were checked against a hash."""

    def __init__(self, inner: Argon2Passwords) -> None:
        self.inner = inner
        self.dummy_hash = inner.dummy_hash
        self.checks = 0

    def hash(self, password: str) -> str:
        return self.inner.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        self.checks += 1
        return self.inner.verify(password_hash, password)

    async def check(self, password_hash: str, password: str) -> bool:
        self.checks += 1
        return await self.inner.check(password_hash, password)


async def guess(gateway: Gateway, username: str, password: str = WRONG) -> int:
    """One login from a client of its own (its own CSRF cookie); the status."""
    async with httpx.AsyncClient(base_url=str(gateway.client.base_url), timeout=30) as client:
        return (await post_login(client, username, password)).status_code


async def test_parallel_guesses_cannot_slip_past_the_user_name_limit_nor_get_hashed(
    gateway: Gateway,
) -> None:
    await add_agent(gateway, "rina", "Rina Wulandari", "agent")
    counting = CountingPasswords(FAST_PASSWORDS)
    gateway.app.ctx.passwords = counting

    statuses = await asyncio.gather(*(guess(gateway, "rina") for _ in range(20)))

    assert sorted(statuses) == [401] * 5 + [429] * 15
    assert counting.checks == 5


async def test_one_address_guessing_many_user_names_is_throttled(gateway: Gateway) -> None:
    statuses = [await guess(gateway, f"user{n}") for n in range(52)]

    assert statuses == [401] * 50 + [429] * 2  # the default: 50 per 15 minutes per address


async def test_the_total_limit_holds_whoever_tries(
    db: Database, database_url: str, fake_rasa: FakeRasaApi, tmp_path: Path
) -> None:
    async with console_with(
        database_url,
        fake_rasa,
        tmp_path,
        login_limit_per_ip="100 per minute",
        login_limit_total="10 per minute",
    ) as app:
        statuses = [await guess(app, f"user{n}") for n in range(12)]

    assert statuses == [401] * 10 + [429] * 2


async def test_a_blocked_user_name_may_log_in_again_once_its_window_has_passed(
    db: Database, database_url: str, fake_rasa: FakeRasaApi, tmp_path: Path
) -> None:
    async with console_with(
        database_url, fake_rasa, tmp_path, login_limit_per_user="2 per 2 seconds"
    ) as app:
        await add_agent(app, "rina", "Rina Wulandari", "agent")
        failures = [await guess(app, "rina"), await guess(app, "rina")]
        blocked = await guess(app, "rina", PASSWORD)
        await asyncio.sleep(2.2)
        later = await guess(app, "rina", PASSWORD)

    assert failures == [401, 401]
    assert blocked == 429
    assert later == 303


async def test_a_correct_password_clears_the_count_of_its_user_name(gateway: Gateway) -> None:
    await add_agent(gateway, "rina", "Rina Wulandari", "agent")
    before = [await guess(gateway, "rina") for _ in range(4)]
    success = await guess(gateway, "rina", PASSWORD)
    after = [await guess(gateway, "rina") for _ in range(4)]

    assert before == after == [401] * 4
    assert success == 303

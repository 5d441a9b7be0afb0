"""The REST channel through the real app: what one turn costs the database, and the
answer that the reply follows when the bot is down."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

import httpx
import pytest
from sqlalchemy import event

import bot.intake as intake_module
from backend.db.engine import Database
from backend.services.turns import delayed_notice
from tests.fakes.platforms import FakeRasa
from tests.integration.bot.support import Gateway, transcript

# The background sweeps (outbox retries, waiting messages) may run during a turn.
SWEEPS = ("SELECT outbox.conversation_id FROM outbox", "SELECT inbox.conversation_id FROM inbox")


async def say(gateway: Gateway, sender: str, message: str) -> Any:
    return await gateway.client.post(
        "/webhooks/rest/webhook", json={"sender": sender, "message": message}
    )


def thinks_slowly(fake_rasa: FakeRasa, seconds: float) -> None:
    """The bot takes `seconds` over each answer (in the fake's own thread)."""
    echo = fake_rasa.reply

    def slowly(sender: str, message: str) -> list[dict[str, Any]]:
        time.sleep(seconds)
        return echo(sender, message)

    fake_rasa.reply = slowly


class Statements:
    """The SQL the app sends, and the transactions it begins, while counting: the async
    engine's statements as SQLAlchemy sends them, the units' as SQLite runs them (some go
    straight to its cursor)."""

    def __init__(self, db: Database) -> None:
        self.sql: list[str] = []
        self.transactions = 0
        self.sweeps = 0
        self._db = db
        self._engines = [db.engine.sync_engine]
        if db.unit_engine is not None:  # the turn's units of work on a SQLite file
            self._engines.append(db.unit_engine)
        event.listen(db.engine.sync_engine, "before_cursor_execute", self._sent)
        for engine in self._engines:
            event.listen(engine, "begin", self._begin)

    async def start(self) -> Statements:
        await self._db.trace_units(self._statement)
        return self

    def _sent(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        self._statement(statement)

    def _statement(self, statement: str) -> None:
        sql = " ".join(statement.split())
        if sql.startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            return
        if sql.startswith(SWEEPS):
            self.sweeps += 1
            return
        self.sql.append(sql)

    def _begin(self, *_: Any) -> None:
        self.transactions += 1

    async def stop(self) -> None:
        await self._db.trace_units(None)
        event.remove(self._db.engine.sync_engine, "before_cursor_execute", self._sent)
        for engine in self._engines:
            event.remove(engine, "begin", self._begin)


async def test_a_rest_turn_is_answered_inline_in_two_transactions(
    gateway: Gateway, fake_rasa: FakeRasa
) -> None:
    await say(gateway, "budi", "halo")
    counting = await Statements(gateway.app.ctx.db).start()
    try:
        answer = await say(gateway, "budi", "saya mau mengadu")
        await asyncio.sleep(0.3)  # anything the turn still does after the answer
    finally:
        await counting.stop()

    assert answer.json() == [{"recipient_id": "budi", "text": "echo: saya mau mengadu"}]
    # The message stored with its try begun, then the answers recorded with it done.
    assert counting.transactions - counting.sweeps == 2, counting.sql
    assert len(counting.sql) == 5, counting.sql
    assert not [sql for sql in counting.sql if "outbox" in sql]  # REST answers are not pushed


async def test_a_caller_whose_turn_runs_at_once_hears_its_end_and_reads_nothing_meanwhile(
    gateway: Gateway, fake_rasa: FakeRasa, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(intake_module, "FIRST_POLL_SECONDS", 0.05)  # a queued turn's reads
    await say(gateway, "budi", "halo")
    thinks_slowly(fake_rasa, 0.5)
    counting = await Statements(gateway.app.ctx.db).start()
    try:
        answer = await say(gateway, "budi", "saya mau mengadu")
    finally:
        await counting.stop()

    assert answer.json() == [{"recipient_id": "budi", "text": "echo: saya mau mengadu"}]
    assert counting.transactions - counting.sweeps == 2, counting.sql  # no outcome read


async def test_a_message_sent_while_its_conversation_has_a_turn_is_answered_after_it(
    gateway: Gateway, fake_rasa: FakeRasa
) -> None:
    thinks_slowly(fake_rasa, 0.3)
    first = asyncio.create_task(say(gateway, "budi", "halo"))
    await asyncio.sleep(0.1)  # the first message's turn is with the bot
    second = await say(gateway, "budi", "saya mau mengadu")

    assert (await first).json() == [{"recipient_id": "budi", "text": "echo: halo"}]
    assert second.json() == [{"recipient_id": "budi", "text": "echo: saya mau mengadu"}]
    assert [body["message"] for body in fake_rasa.messages] == ["halo", "saya mau mengadu"]


async def test_a_message_behind_one_the_bot_could_not_answer_is_told_at_once(
    gateway: Gateway, fake_rasa: FakeRasa
) -> None:
    fake_rasa.fail("webhook", status=500, times=1000)
    first = await say(gateway, "budi", "halo")

    began = time.monotonic()
    second = await say(gateway, "budi", "halo?")

    assert [answer["text"] for answer in first.json()] == [delayed_notice("id")]
    assert second.json() == []  # told once already; the answers follow at the pull endpoint
    assert time.monotonic() - began < 5


async def test_a_caller_who_leaves_mid_turn_loses_neither_the_message_nor_its_answer(
    gateway: Gateway, fake_rasa: FakeRasa
) -> None:
    thinks_slowly(fake_rasa, 0.4)
    with contextlib.suppress(httpx.TimeoutException):
        await gateway.client.post(
            "/webhooks/rest/webhook",
            json={"sender": "budi", "message": "halo"},
            timeout=0.1,  # the caller hangs up while the bot thinks
        )
    await asyncio.sleep(1.0)

    lines = [(sender, text) for sender, text, _ in await transcript(gateway.app.ctx.db, "budi")]
    assert lines == [("user", "halo"), ("bot", "echo: halo")]
    assert [body["message"] for body in fake_rasa.messages] == ["halo"]

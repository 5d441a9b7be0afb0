"""Rasa's SQL tracker store reuses the trackers it saved, and only while the database agrees.

Rasa's own `SQLTrackerStore`, on the Rasa environment's Python, after the launcher's
`keep_saved_trackers()` (engine/tracker_cache.py), on SQLite and on PostgreSQL: two stores
on one database stand for two Rasa processes. Every tracker handed out must hold exactly the
events a store without the cache would read.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import POSTGRES_ADMIN_URL, _admin, unavailable
from tests.integration.engine.rasa_script import run_in_rasa

SCENARIOS = """
import asyncio, json, os, sys
sys.path.insert(0, os.environ["PROJECT_ROOT"])
from engine.rasa_server import keep_saved_trackers, write_sqlite_like_the_app

write_sqlite_like_the_app()
if sys.argv[1] == "launcher":
    keep_saved_trackers()

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

domain = Domain.empty()
where = json.loads(sys.argv[2])


def store():
    return SQLTrackerStore(domain, **where)


def texts(tracker):
    return [event.text for event in tracker.events if isinstance(event, UserUttered)]


def turn(tracker, text):
    tracker.update(UserUttered(text))
    tracker.update(ActionExecuted("action_listen"))


async def main() -> None:
    one, other = store(), store()
    found = {}

    tracker = DialogueStateTracker("chat-1", domain.slots)
    turn(tracker, "satu")
    await one.save(tracker)
    again = await one.retrieve("chat-1")
    found["saved_is_reused"] = again is tracker
    twice = await one.retrieve("chat-1")
    found["handed_out_once"] = twice is not again and texts(twice) == ["satu"]

    turn(again, "dua")
    await one.save(again)
    by_other = await other.retrieve("chat-1")
    turn(by_other, "tiga dari proses lain")
    await other.save(by_other)
    after_other = await one.retrieve("chat-1")
    found["sees_the_other_writer"] = texts(after_other)

    turn(after_other, "empat")
    await one.save(after_other)
    turn(after_other, "lima, tidak disimpan")
    found["unsaved_change_dropped"] = texts(await one.retrieve("chat-1"))

    tracker = await one.retrieve("chat-1")
    turn(tracker, "enam")
    await one.save(tracker)
    tracker = await one.retrieve("chat-1")
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted())
    tracker.update(ActionExecuted("action_listen"))
    turn(tracker, "tujuh, sesi baru")
    await one.save(tracker)
    new_session = await one.retrieve("chat-1")
    plain = await SQLTrackerStore.__mro__[0]._retrieve(one, "chat-1", False)
    found["new_session"] = texts(new_session)
    found["new_session_as_read"] = texts(plain)

    held = await one.retrieve("chat-2")
    held = held or DialogueStateTracker("chat-2", domain.slots)
    for number in range(5):
        turn(held, f"giliran {number}")
        await one.save(held)
        held = await one.retrieve("chat-2")
    read = await other.retrieve("chat-2")
    found["stored_as_held"] = [len(held.events), len(read.events), texts(read)]

    found["reused_by_the_store"] = hasattr(SQLTrackerStore, "keeps_trackers")
    print(json.dumps(found))

asyncio.run(main())
"""


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def tracker_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """Where Rasa's tracker store keeps its events: a SQLite file, or a PostgreSQL database
    of this test."""
    if request.param == "sqlite":
        yield {"dialect": "sqlite", "db": str(tmp_path / "tracker.db")}
        return
    import asyncio

    name = f"aduan_tracker_{os.getpid()}"
    try:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # any failure to reach it: not available
        unavailable(f"PostgreSQL is not available: {exc}")
    url = make_url(POSTGRES_ADMIN_URL)
    try:
        yield {
            "dialect": "postgresql",
            "host": url.host,
            "port": url.port or 5432,
            "db": name,
            "username": url.username,
            "password": url.password,
        }
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def scenarios(where: dict[str, Any], how: str) -> dict[str, Any]:
    return run_in_rasa(SCENARIOS, how, json.dumps(where))


@pytest.fixture
def cached(tracker_database: dict[str, Any]) -> dict[str, Any]:
    return scenarios(tracker_database, "launcher")


def test_the_next_turn_gets_the_tracker_saved_last(cached: dict[str, Any]) -> None:
    assert cached["reused_by_the_store"] is True
    assert cached["saved_is_reused"] is True


def test_a_kept_tracker_is_handed_out_once(cached: dict[str, Any]) -> None:
    assert cached["handed_out_once"] is True


def test_events_another_process_saved_are_read_from_the_database(
    cached: dict[str, Any],
) -> None:
    assert cached["sees_the_other_writer"] == ["satu", "dua", "tiga dari proses lain"]


def test_a_change_made_after_the_save_and_never_saved_is_not_handed_out(
    cached: dict[str, Any],
) -> None:
    assert cached["unsaved_change_dropped"] == ["satu", "dua", "tiga dari proses lain", "empat"]


def test_after_a_new_session_the_tracker_holds_only_that_session_as_rasa_reads_it(
    cached: dict[str, Any],
) -> None:
    assert cached["new_session"] == ["tujuh, sesi baru"]
    assert cached["new_session"] == cached["new_session_as_read"]


def test_turns_saved_from_kept_trackers_store_each_event_once(cached: dict[str, Any]) -> None:
    held, read, texts = cached["stored_as_held"]
    assert held == read == 10
    assert texts == [f"giliran {number}" for number in range(5)]


def test_without_the_launcher_every_retrieve_reads_the_database(
    tracker_database: dict[str, Any],
) -> None:
    plain = scenarios(tracker_database, "plain")
    assert plain["saved_is_reused"] is False
    assert plain["sees_the_other_writer"] == ["satu", "dua", "tiga dari proses lain"]
    assert plain["new_session"] == ["tujuh, sesi baru"]

"""The SQLite adapter: write transactions take the lock up front, a connection handed back
in the middle of one is rolled back before anyone else gets it, and each statement is one
trip to the connection's thread."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, text

from backend.db.engine import Database
from backend.db.sqlite_trips import OneTripConnection, one_trip_connector


async def scratch(tmp_path: Path) -> Database:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'scratch.db'}")
    async with database.session() as session:
        await session.execute(text("CREATE TABLE notes (body TEXT NOT NULL)"))
        await session.commit()
    return database


async def bodies(database: Database) -> list[str]:
    async with database.session() as session:
        return list((await session.execute(text("SELECT body FROM notes"))).scalars())


async def test_a_unit_of_work_reads_and_writes_under_the_write_lock_it_took_first(
    tmp_path: Path,
) -> None:
    database = await scratch(tmp_path)
    order: list[str] = []
    first_began = asyncio.Event()

    async def first() -> None:
        async with database.session() as session:
            await session.execute(text("SELECT count(*) FROM notes"))  # BEGIN IMMEDIATE ran
            first_began.set()
            await asyncio.sleep(0.3)
            await session.execute(text("INSERT INTO notes VALUES ('first')"))
            order.append("first commits")
            await session.commit()

    async def second() -> None:
        await first_began.wait()
        async with database.session() as session:
            seen = (await session.execute(text("SELECT count(*) FROM notes"))).scalar_one()
            order.append(f"second reads {seen}")
            await session.execute(text("INSERT INTO notes VALUES ('second')"))
            await session.commit()

    try:
        await asyncio.gather(first(), second())

        assert order == ["first commits", "second reads 1"]
        assert await bodies(database) == ["first", "second"]
    finally:
        await database.dispose()


async def test_a_connection_handed_back_in_the_middle_of_a_transaction_is_rolled_back(
    tmp_path: Path,
) -> None:
    database = await scratch(tmp_path)
    try:
        async with database.engine.connect() as connection:
            raw = await connection.get_raw_connection()
            driver = raw.driver_connection
            assert driver is not None
            await driver.execute("BEGIN IMMEDIATE")
            await driver.execute("INSERT INTO notes VALUES ('never committed')")
            assert driver.in_transaction

        async with database.session() as session:  # the pool's only connection, begun again
            await session.execute(text("INSERT INTO notes VALUES ('kept')"))
            await session.commit()

        assert await bodies(database) == ["kept"]
    finally:
        await database.dispose()


class Trips:
    """Counts the calls a connection sends to its thread."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        original = OneTripConnection._execute

        async def counted(connection: OneTripConnection, fn: Any, *args: Any, **kw: Any) -> Any:
            self.count += 1
            return await original(connection, fn, *args, **kw)

        monkeypatch.setattr(OneTripConnection, "_execute", counted)


@pytest.fixture
async def counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[Database, Trips]]:
    """A scratch database whose connections' trips to their threads are counted."""
    database = await scratch(tmp_path)
    try:
        yield database, Trips(monkeypatch)
    finally:
        await database.dispose()


async def test_a_statement_with_its_rows_is_one_trip_and_begin_rides_with_the_first(
    counted: tuple[Database, Trips],
) -> None:
    database, trips = counted
    async with database.session() as session:
        await session.execute(text("INSERT INTO notes VALUES ('a'), ('b')"))
        assert trips.count == 1  # BEGIN IMMEDIATE and the insert
        rows = (await session.execute(text("SELECT body FROM notes ORDER BY body"))).all()
        assert [row.body for row in rows] == ["a", "b"]
        assert trips.count == 2  # executed, fetched and closed at once
        await session.commit()
        assert trips.count == 3


async def test_a_unit_of_work_that_sends_no_statement_makes_no_trip(
    counted: tuple[Database, Trips],
) -> None:
    database, trips = counted
    async with database.session() as session:
        await session.commit()
    async with database.session() as session:
        await session.rollback()
    assert trips.count == 0
    async with database.engine.connect() as connection:  # checked out, begun, handed back
        raw = await connection.get_raw_connection()
        assert isinstance(raw.driver_connection, OneTripConnection)
        assert not raw.driver_connection.in_transaction
    assert await bodies(database) == []


async def test_an_in_memory_database_stays_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    database = Database("sqlite+aiosqlite://")
    try:
        async with database.session() as session:
            await session.execute(text("CREATE TABLE notes (body TEXT NOT NULL)"))
            await session.execute(text("INSERT INTO notes VALUES ('kept')"))
            await session.commit()
            assert (await session.execute(text("SELECT body FROM notes"))).scalars().all() == [
                "kept"
            ]
    finally:
        await database.dispose()
    assert list(tmp_path.iterdir()) == []  # no file made of the URL's missing name


def connector(path: Path, timeout: float) -> Callable[[], Awaitable[OneTripConnection]]:
    return one_trip_connector([str(path)], {"timeout": timeout, "check_same_thread": False})


async def test_a_cursor_reports_counts_ids_and_rows_as_sqlite3_does(tmp_path: Path) -> None:
    connection = await connector(tmp_path / "raw.db", timeout=1)()
    try:
        cursor = connection.cursor()
        await cursor.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT UNIQUE)")
        await cursor.executemany("INSERT INTO t (body) VALUES (?)", [("a",), ("b",), ("c",)])
        assert cursor.rowcount == 3
        await cursor.execute("INSERT INTO t (body) VALUES (?)", ("d",))
        assert (cursor.lastrowid, cursor.description) == (4, None)
        await cursor.execute("UPDATE t SET body = body || '!' WHERE id > ?", (2,))
        await cursor.close()
        assert cursor.rowcount == 2  # still readable after the close, as on sqlite3
        await cursor.execute("SELECT id, body FROM t ORDER BY id")
        assert [column[0] for column in cursor.description] == ["id", "body"]
        assert await cursor.fetchone() == (1, "a")
        assert await cursor.fetchmany(2) == [(2, "b"), (3, "c!")]
        assert await cursor.fetchall() == [(4, "d!")]
        assert await cursor.fetchone() is None
        with pytest.raises(sqlite3.IntegrityError):
            await cursor.execute("INSERT INTO t (body) VALUES ('a')")
        await cursor.execute("SELECT count(*) FROM t")
        assert await cursor.fetchall() == [(4,)]  # the connection goes on after an error
    finally:
        await connection.close()


async def test_the_pending_begin_takes_the_write_lock_with_the_first_statement(
    tmp_path: Path,
) -> None:
    path = tmp_path / "lock.db"
    connect = connector(path, timeout=0)
    first, second = await connect(), await connect()
    try:
        await first.cursor().execute("PRAGMA journal_mode=WAL")
        await first.cursor().execute("CREATE TABLE t (body TEXT)")
        first.begin_with_next_statement()
        assert not first.in_transaction  # nothing sent yet
        await first.cursor().execute("SELECT count(*) FROM t")
        assert first.in_transaction
        second.begin_with_next_statement()
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            await second.cursor().execute("SELECT count(*) FROM t")
        await second.rollback()
        await first.commit()
        assert not first.in_transaction
        second.begin_with_next_statement()
        await second.cursor().execute("INSERT INTO t VALUES ('after')")
        await second.commit()
        cursor = await first.cursor().execute("SELECT body FROM t")
        assert await cursor.fetchall() == [("after",)]
    finally:
        await first.close()
        await second.close()


@pytest.fixture
async def notes(tmp_path: Path) -> AsyncIterator[Database]:
    """A scratch database file with its `notes` table, disposed after the test."""
    database = await scratch(tmp_path)
    try:
        yield database
    finally:
        await database.dispose()


def note(connection: Connection, body: str) -> None:
    connection.execute(text("INSERT INTO notes VALUES (:body)"), {"body": body})


def keep(connection: Connection, body: str) -> str:
    """A unit of work: one row kept, and the name of the thread that ran it."""
    note(connection, body)
    connection.commit()
    return threading.current_thread().name


def keep_then_fail(connection: Connection, body: str) -> None:
    note(connection, body)
    raise RuntimeError("the unit of work failed before its commit")


async def test_a_unit_of_work_on_a_sqlite_file_runs_whole_in_the_database_thread(
    notes: Database,
) -> None:
    ran_in = await notes.run(keep, "kept")

    assert ran_in.startswith("sqlite-units")
    assert ran_in != threading.current_thread().name
    assert await bodies(notes) == ["kept"]


async def test_a_unit_of_work_that_fails_keeps_nothing_and_the_next_one_runs(
    notes: Database,
) -> None:
    with pytest.raises(RuntimeError, match="before its commit"):
        await notes.run(keep_then_fail, "lost")
    await notes.run(keep, "kept")

    assert await bodies(notes) == ["kept"]


async def test_what_a_unit_of_work_leaves_uncommitted_is_rolled_back_before_the_next(
    notes: Database,
) -> None:
    await notes.run(note, "forgotten")
    await notes.run(keep, "kept")

    assert await bodies(notes) == ["kept"]


async def test_a_unit_of_work_waits_for_an_async_writer_without_blocking_the_event_loop(
    notes: Database,
) -> None:
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticker = asyncio.create_task(tick())
    async with notes.session() as session:
        await session.execute(text("INSERT INTO notes VALUES ('async first')"))
        unit = asyncio.create_task(notes.run(keep, "unit second"))
        await asyncio.sleep(0.3)  # the unit waits for the write lock in its thread
        assert not unit.done()
        await session.commit()
    await unit
    ticker.cancel()

    assert ticks >= 10  # the loop went on while the unit waited
    assert await bodies(notes) == ["async first", "unit second"]


async def test_an_in_memory_database_runs_units_of_work_in_its_own_session() -> None:
    database = Database("sqlite+aiosqlite:///:memory:")
    try:
        async with database.session() as session:  # the pool's one in-memory connection
            await session.execute(text("CREATE TABLE notes (body TEXT NOT NULL)"))
            await session.commit()
        ran_in = await database.run(keep, "kept")

        assert database.unit_engine is None
        assert ran_in == threading.current_thread().name
        assert await bodies(database) == ["kept"]
    finally:
        await database.dispose()

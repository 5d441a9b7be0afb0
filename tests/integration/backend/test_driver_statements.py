"""A turn's statements on SQLite's own cursor: the same values in and out as through
SQLAlchemy, the same transaction, the same errors; SQLAlchemy still runs what needs it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    event,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from backend.db import driver_statements as statements
from backend.db.engine import Database
from backend.db.tables import UTCDateTime

METADATA = MetaData()
LETTERS = Table(
    "letters",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("external", String(16), unique=True),
    Column("body", String(200), nullable=False),
    Column("sent_at", UTCDateTime(), nullable=False),
    Column("payload", JSON),
    Column("read", Boolean, nullable=False, default=False),
    Column("filed_at", UTCDateTime(), default=lambda: FILED_AT),  # computed in Python
)
INSERT_LETTER = insert(LETTERS).returning(LETTERS.c.id)
UNREAD = (
    select(LETTERS.c.body, LETTERS.c.sent_at, LETTERS.c.payload, LETTERS.c.read)
    .where(LETTERS.c.read == False, LETTERS.c.sent_at >= bindparam("since"))  # noqa: E712
    .order_by(LETTERS.c.id)
)
MARK_READ = update(LETTERS).where(LETTERS.c.id == bindparam("letter")).values(read=True)
FILED = select(LETTERS.c.body, LETTERS.c.filed_at).order_by(LETTERS.c.id)
SENT_AT = datetime(2026, 12, 3, 9, 30, 15, 123456, tzinfo=UTC)
FILED_AT = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


@pytest.fixture
async def letters(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'letters.db'}")
    async with database.engine.begin() as connection:
        await connection.run_sync(METADATA.create_all)
    try:
        yield database
    finally:
        await database.dispose()


def letter(body: str, external: str | None = None, **payload: Any) -> dict[str, Any]:
    return {
        "external": external,
        "body": body,
        "sent_at": SENT_AT,
        "payload": payload or None,
        "read": False,
        "filed_at": SENT_AT,
    }


def post(connection: Connection, *bodies: str) -> list[int]:
    ids = [statements.fetch(connection, INSERT_LETTER, letter(body))[0][0] for body in bodies]
    connection.commit()
    return ids


def unread(connection: Connection) -> list[tuple[Any, ...]]:
    return statements.fetch(connection, UNREAD, {"since": SENT_AT})


async def test_values_go_through_the_columns_types_both_ways(letters: Database) -> None:
    def write_then_read(connection: Connection) -> list[tuple[Any, ...]]:
        statements.fetch(connection, INSERT_LETTER, letter("halo", kind="greeting", n=[1, 2]))
        statements.execute_many(connection, insert(LETTERS), [letter("satu"), letter("dua")])
        connection.commit()
        return unread(connection)

    rows = await letters.run(write_then_read)

    assert rows == [
        ("halo", SENT_AT, {"kind": "greeting", "n": [1, 2]}, False),
        ("satu", SENT_AT, None, False),
        ("dua", SENT_AT, None, False),
    ]
    assert rows[0][1].tzinfo is not None  # an aware UTC time, as the ORM reads it


async def test_the_statements_go_to_sqlites_cursor_not_through_sqlalchemy(
    letters: Database,
) -> None:
    ran: list[str] = []
    sent: list[str] = []
    engine = letters.unit_engine
    assert engine is not None

    def through_sqlalchemy(_conn: Any, _cursor: Any, sql: str, *_: Any) -> None:
        sent.append(sql)

    event.listen(engine, "before_cursor_execute", through_sqlalchemy)
    await letters.trace_units(ran.append)
    try:
        [letter_id] = await letters.run(post, "halo")
    finally:
        await letters.trace_units(None)
        event.remove(engine, "before_cursor_execute", through_sqlalchemy)

    assert sent == []  # nothing through SQLAlchemy's execution, the transaction is its own
    assert ran[0] == "BEGIN IMMEDIATE"
    assert ran[1].startswith("INSERT INTO letters") and ran[1].endswith("RETURNING id")
    assert ran[2] == "COMMIT"
    assert letter_id == 1


async def test_what_a_unit_did_not_commit_is_rolled_back(letters: Database) -> None:
    def mark_without_commit(connection: Connection, letter_id: int) -> None:
        statements.execute(connection, MARK_READ, {"letter": letter_id})
        assert connection.in_transaction()

    [first, _] = await letters.run(post, "satu", "dua")
    await letters.run(mark_without_commit, first)

    assert [row[0] for row in await letters.run(unread)] == ["satu", "dua"]


async def test_a_driver_error_is_sqlalchemys_and_the_unit_goes_on_after_it(
    letters: Database,
) -> None:
    def post_twice(connection: Connection) -> str:
        statements.execute(connection, insert(LETTERS), letter("satu", external="wamid.1"))
        connection.commit()
        try:
            statements.execute(connection, insert(LETTERS), letter("lagi", external="wamid.1"))
        except IntegrityError as exc:
            connection.rollback()
            post(connection, "dua")
            return type(exc.orig).__name__
        return "no error"

    assert await letters.run(post_twice) == "IntegrityError"
    assert [row[0] for row in await letters.run(unread)] == ["satu", "dua"]


async def test_a_statement_needing_a_python_default_goes_through_sqlalchemy(
    letters: Database,
) -> None:
    def post_and_read(connection: Connection) -> list[tuple[Any, ...]]:
        values = letter("halo")
        del values["filed_at"]  # its default, computed by SQLAlchemy
        statements.execute(connection, insert(LETTERS), values)
        connection.commit()
        return statements.fetch(connection, FILED, {})

    assert await letters.run(post_and_read) == [("halo", FILED_AT)]


async def test_a_missing_bound_value_is_refused_not_sent_as_null(letters: Database) -> None:
    def read_without_since(connection: Connection) -> list[tuple[Any, ...]]:
        return statements.fetch(connection, UNREAD, {})

    with pytest.raises(KeyError, match="since"):
        await letters.run(read_without_since)


async def test_elsewhere_sqlalchemy_runs_the_same_statements() -> None:
    database = Database("sqlite+aiosqlite:///:memory:")  # the async session's connection
    try:
        async with database.engine.connect() as connection:
            await connection.run_sync(METADATA.create_all)
            await connection.commit()
            await connection.run_sync(post, "halo")
            rows = await connection.run_sync(unread)
    finally:
        await database.dispose()

    assert rows == [("halo", SENT_AT, None, False)]

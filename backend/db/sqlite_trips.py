"""aiosqlite connections that make one trip to their thread per statement.

aiosqlite runs each call of a connection in that connection's own thread. SQLAlchemy's
adapter calls it the way a DBAPI cursor is used: make a cursor, execute, fetch the rows,
close; and a transaction begins with a statement of its own. Each call is a trip to the
thread and back (a queue put, a thread woken, the answer handed to the event loop), which
costs a hundred times more than SQLite running a small statement. Here a cursor executes
its statement, fetches every row and closes in one trip (SQLAlchemy's buffered cursors
fetch every row at once anyway); the unit of work's `BEGIN IMMEDIATE` rides with its first
statement, and a commit or rollback with no transaction open makes no trip at all.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import aiosqlite

BEGIN = "BEGIN IMMEDIATE"


@dataclass(frozen=True)
class Outcome:
    """What one statement left on its cursor, read in the connection's thread."""

    rows: list[Any]
    description: Any
    rowcount: int
    lastrowid: int | None


class OneTripConnection(aiosqlite.Connection):
    """An aiosqlite connection whose cursors run a statement in one trip."""

    def __init__(self, connector: Callable[[], sqlite3.Connection]) -> None:
        super().__init__(connector, iter_chunk_size=64)
        self._thread.daemon = True  # as SQLAlchemy sets it on the connections it opens
        self.begin_pending = False

    def begin_with_next_statement(self) -> None:
        """`BEGIN IMMEDIATE` is sent with the next statement (none if none follows)."""
        self.begin_pending = True

    def cursor(self) -> OneTripCursor:  # type: ignore[override]
        return OneTripCursor(self)

    async def commit(self) -> None:
        self.begin_pending = False
        if self.in_transaction:
            await super().commit()

    async def rollback(self) -> None:
        self.begin_pending = False
        if self.in_transaction:
            await super().rollback()

    async def run(self, sql: str, parameters: Any, *, many: bool = False) -> Outcome:
        """Run one statement (with the pending BEGIN first) in the thread; its outcome."""
        begin, self.begin_pending = self.begin_pending, False
        run = partial(self._statement, begin, sql, parameters, many)
        outcome: Outcome = await self._execute(run)  # type: ignore[no-untyped-call]
        return outcome

    def _statement(self, begin: bool, sql: str, parameters: Any, many: bool) -> Outcome:
        connection = self._conn
        if begin:
            connection.execute(BEGIN)
        cursor = connection.cursor()
        try:
            if many:
                cursor.executemany(sql, parameters)
            else:
                cursor.execute(sql, parameters)
            rows = cursor.fetchall() if cursor.description else []
            return Outcome(rows, cursor.description, cursor.rowcount, cursor.lastrowid)
        finally:
            cursor.close()


class OneTripCursor(aiosqlite.Cursor):
    """A cursor whose statement, rows and close are one trip; the rows are kept here."""

    def __init__(self, connection: OneTripConnection) -> None:
        super().__init__(connection, None)  # type: ignore[arg-type]  # no sqlite3 cursor kept
        self._trips = connection
        self._outcome = Outcome([], None, -1, None)
        self._next = 0
        self._arraysize = 1

    async def __aenter__(self) -> OneTripCursor:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    async def execute(self, sql: str, parameters: Iterable[Any] | None = None) -> OneTripCursor:
        self._outcome = await self._trips.run(sql, [] if parameters is None else parameters)
        self._next = 0
        return self

    async def executemany(self, sql: str, parameters: Iterable[Iterable[Any]]) -> OneTripCursor:
        self._outcome = await self._trips.run(sql, parameters, many=True)
        self._next = 0
        return self

    async def executescript(self, sql_script: str) -> OneTripCursor:
        raise NotImplementedError("executescript: use the connection's own")

    async def fetchone(self) -> Any:
        rows = self._take(1)
        return rows[0] if rows else None

    async def fetchmany(self, size: int | None = None) -> Sequence[Any]:
        return self._take(size or self.arraysize)

    async def fetchall(self) -> Sequence[Any]:
        return self._take(len(self._outcome.rows))

    async def close(self) -> None:
        """Nothing is left open in the thread; the counts stay readable, as on sqlite3's."""
        self._next = len(self._outcome.rows)

    def _take(self, count: int) -> list[Any]:
        rows = self._outcome.rows[self._next : self._next + count]
        self._next += len(rows)
        return rows

    @property
    def description(self) -> Any:
        return self._outcome.description

    @property
    def rowcount(self) -> int:
        return self._outcome.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._outcome.lastrowid

    @property
    def arraysize(self) -> int:
        return self._arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._arraysize = value


def one_trip_connector(
    args: Sequence[Any], kwargs: Mapping[str, Any]
) -> Callable[[], Awaitable[OneTripConnection]]:
    """An `async_creator` for SQLAlchemy: a new connection, opened in its thread with
    `sqlite3.connect(*args, **kwargs)` (the dialect's arguments for the URL)."""

    async def connect() -> OneTripConnection:
        connection = OneTripConnection(partial(sqlite3.connect, *args, **kwargs))
        await connection  # starts its thread and opens the file there
        return connection

    return connect

"""The database adapter: one async engine and its session factory, built from a URL."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from backend.db.sqlite_trips import BEGIN, one_trip_connector
from backend.db.sqlite_units import UnitThread
from backend.private_files import private_directory

SQLITE_BUSY_TIMEOUT_MS = 10_000

P = ParamSpec("P")
T = TypeVar("T")


def sqlite_file(url: str | URL) -> Path | None:
    """The file of a SQLite URL; None for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return Path(parsed.database).expanduser()
    return None


def ensure_sqlite_directory(url: str | URL) -> None:
    """Create the folder of a SQLite file (0700) so the first connection can create the file."""
    path = sqlite_file(url)
    if path is not None and not path.parent.exists():
        private_directory(path.parent)


class Database:
    """An async engine plus `session()`; created when the server starts, disposed at stop."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        options: dict[str, Any] = {"echo": echo}
        self._units: UnitThread | None = None
        if self.is_sqlite:
            ensure_sqlite_directory(self.url)
            # The URL read as SQLAlchemy's aiosqlite dialect reads it (a file, :memory:, a
            # URI with its options), connected through `sqlite_trips`.
            args, kwargs = self.url.get_dialect()().create_connect_args(self.url)
            kwargs = {**kwargs, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
            options["async_creator"] = one_trip_connector(args, kwargs)
            if sqlite_file(self.url) is not None:  # an in-memory database is per connection
                self._units = UnitThread(args, kwargs, _configure_sqlite_units)
            # A returned connection is rolled back only when a transaction is still open
            # (see `_configure_sqlite`), not after every commit.
            options["pool_reset_on_return"] = None
        else:
            options["pool_pre_ping"] = True
        self.engine: AsyncEngine = create_async_engine(self.url, **options)
        if self.is_sqlite:
            _configure_sqlite(self.engine)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """One unit of work; on exit uncommitted work is rolled back, objects stay usable."""
        async with self._sessions() as session:
            yield session

    @property
    def unit_engine(self) -> Engine | None:
        """The sync engine of `run` on a SQLite file (None elsewhere)."""
        return None if self._units is None else self._units.engine

    async def run(
        self, work: Callable[Concatenate[Connection, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Run a unit of work written against a sync Core `Connection` (`work(connection,
        *args)`, which commits what it keeps: the rest is rolled back); its result.

        On a SQLite file the whole unit is one trip to a database thread (`sqlite_units`);
        elsewhere it runs on an async connection (`run_sync`), each statement awaited.
        """
        if self._units is not None:
            return await self._units.run(work, *args, **kwargs)
        async with self.engine.connect() as connection:
            return await connection.run_sync(work, *args, **kwargs)

    async def trace_units(self, callback: Callable[[str], object] | None) -> None:
        """Diagnostics (tests, benchmarks): `callback` gets each SQL statement SQLite runs for
        `run`'s units on a SQLite file, those sent straight to its cursor included
        (`driver_statements`); None stops it. Nothing to trace elsewhere."""
        if self._units is not None:
            await self._units.run(_trace, callback)

    async def ping(self) -> None:
        """Raise unless the database answers a trivial query."""
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        """Close every pooled connection."""
        if self._units is not None:
            await self._units.aclose()
        await self.engine.dispose()


def _trace(connection: Connection, callback: Callable[[str], object] | None) -> None:
    connection.connection.driver_connection.set_trace_callback(callback)  # type: ignore[union-attr]


def _configure_sqlite(engine: AsyncEngine) -> None:
    """WAL, foreign keys, a busy timeout, and write transactions that never deadlock.

    aiosqlite runs each call in the connection's thread, and each trip there and back
    costs more than SQLite's own work: a statement is one trip, BEGIN rides with the first
    one (`sqlite_trips`), and a connection going back to the pool is rolled back only
    when its transaction is still open.
    """

    _set_pragmas_on_connect(engine.sync_engine)

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front, so a read-then-write unit of work waits
        # for a concurrent writer (busy_timeout) instead of failing with SQLITE_BUSY.
        connection.connection.driver_connection.begin_with_next_statement()

    @event.listens_for(engine.sync_engine, "reset")
    def on_reset(dbapi_connection: Any, record: Any, state: Any) -> None:
        # The pool's own rollback is off (pool_reset_on_return=None): this one runs only
        # for a connection handed back in the middle of a transaction (or with its BEGIN
        # still pending).
        driver = record.driver_connection
        driver.begin_pending = False
        if state.asyncio_safe and driver.in_transaction:
            dbapi_connection.rollback()


def _configure_sqlite_units(engine: Engine) -> None:
    """The sync engine of `Database.run`: the same pragmas, the same `BEGIN IMMEDIATE` (sent
    on the driver's connection: SQLAlchemy's execution path would cost more than SQLite)."""
    _set_pragmas_on_connect(engine)

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        connection.connection.driver_connection.execute(BEGIN)


def _set_pragmas_on_connect(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take over BEGIN from the driver: the engines' "begin" listeners send it.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

"""Units of work run whole in one thread, on a SQLite file, with SQLAlchemy's sync engine.

Through the async engine every statement of a unit of work is its own trip to a database
thread and back, and each trip also goes through SQLAlchemy's async layer (a greenlet, an
awaited cursor): on the turn's hot path that cost several times what SQLite spends. A unit
of work written against a sync `Connection` (Core) is sent to this thread once instead: its
statements, its commit and its rows make one trip, and the sync engine's path per
statement is the short one.

One thread and one connection, kept open, serve every such unit: SQLite takes one writer at
a time anyway, so the units queue here, in order, rather than in SQLite's busy handler
(which sleeps milliseconds between its tries). Async sessions on the same file still wait
for the write lock as before (`busy_timeout`), in their own threads.
"""

from __future__ import annotations

import asyncio
import queue
import sqlite3
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.pool import StaticPool

P = ParamSpec("P")
T = TypeVar("T")


class UnitThread:
    """Runs `work(connection, *args)` in the thread, on the connection it keeps open; the
    work commits what it keeps, and whatever it left uncommitted is rolled back."""

    def __init__(
        self,
        connect_args: Sequence[Any],
        connect_kwargs: Mapping[str, Any],
        configure: Callable[[Engine], None],
    ) -> None:
        """`connect_args` and `connect_kwargs` open the file with `sqlite3.connect`;
        `configure` sets the engine up as the async one is (pragmas, `BEGIN IMMEDIATE`)."""
        connect = partial(
            sqlite3.connect, *connect_args, **{**connect_kwargs, "check_same_thread": False}
        )
        self.engine = create_engine("sqlite://", creator=connect, poolclass=StaticPool)
        configure(self.engine)
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._serve, name="sqlite-units", daemon=True)
        self._thread.start()

    async def run(
        self, work: Callable[Concatenate[Connection, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """The work's result, once it ran in the thread (it runs to its end even if the
        caller is cancelled meanwhile, as a statement already sent would)."""
        if not self._thread.is_alive():
            raise RuntimeError("the database thread is closed")
        loop = asyncio.get_running_loop()
        done: asyncio.Future[T] = loop.create_future()
        self._jobs.put(_Job(loop, done, lambda connection: work(connection, *args, **kwargs)))
        return await done

    async def aclose(self) -> None:
        """Close the connection in its thread, then end the thread."""
        self._jobs.put(None)
        await asyncio.to_thread(self._thread.join)

    def _serve(self) -> None:
        connection: Connection | None = None
        while (job := self._jobs.get()) is not None:
            try:
                connection = connection or self.engine.connect()
                outcome: tuple[bool, Any] = (True, job.work(connection))
            except BaseException as exc:  # handed to the caller, whatever it is
                outcome = (False, exc)
            connection = _ended(connection)
            job.loop.call_soon_threadsafe(_settle, job.done, outcome)
        if connection is not None:
            connection.close()
        self.engine.dispose()


@dataclass(frozen=True)
class _Job:
    loop: asyncio.AbstractEventLoop
    done: asyncio.Future[Any]
    work: Callable[[Connection], Any]


def _ended(connection: Connection | None) -> Connection | None:
    """The connection for the next unit: what this one left open rolled back; None (a new
    one next time) when even that failed."""
    if connection is None or not connection.in_transaction():
        return connection
    try:
        connection.rollback()
    except Exception:
        connection.invalidate()
        connection.close()
        return None
    return connection


def _settle(done: asyncio.Future[Any], outcome: tuple[bool, Any]) -> None:
    if done.cancelled():
        return
    succeeded, value = outcome
    if succeeded:
        done.set_result(value)
    else:
        done.set_exception(value)

"""Units of work run whole in one thread, on a SQLite file, with SQLAlchemy's sync engine.

Through the async engine every statement of a unit of work is its own trip to a database
thread and back, and each trip also goes through SQLAlchemy's async layer (a greenlet, an
awaited cursor): on the turn's hot path that cost several times what SQLite spends. A unit
of work written against a sync `Connection` (Core) is sent to this thread once instead: its
statements, its commit and its rows make one trip, and the sync engine's path per
statement is the short one.

One thread and one connection serve every such unit: SQLite takes one writer at a time
anyway, so the units queue here, in order, rather than in SQLite's busy handler (which
sleeps milliseconds between its tries). Async sessions on the same file still wait for the
write lock as before (`busy_timeout`), in their own threads.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.pool import StaticPool

P = ParamSpec("P")
T = TypeVar("T")


class UnitThread:
    """Runs `work(connection, *args)` in the thread; the work commits what it keeps."""

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
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-units")

    async def run(
        self, work: Callable[Concatenate[Connection, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """The work's result, once it ran in the thread (it runs to its end even if the
        caller is cancelled meanwhile, as a statement already sent would)."""
        unit = partial(self._unit, partial(work, **kwargs), args)
        return await asyncio.get_running_loop().run_in_executor(self._executor, unit)

    def _unit(self, work: Callable[..., T], args: tuple[Any, ...]) -> T:
        with self.engine.connect() as connection:  # rolled back at the end unless committed
            return work(connection, *args)

    async def aclose(self) -> None:
        """Close the connection in its thread, then end the thread."""
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._executor, self.engine.dispose)
        self._executor.shutdown(wait=True)

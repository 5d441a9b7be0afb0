"""The unit of work the surfaces are given: a source of database sessions, one per use.

The app factory opens the database (`backend.db.engine.Database`) and hands it on as
`Sessions`; the console and the channels pass each session to the services.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Concatenate, ParamSpec, Protocol, TypeVar

from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.engine import Database

P = ParamSpec("P")
T = TypeVar("T")


class Sessions(Protocol):
    """Opens a session; on exit, uncommitted work is rolled back and its objects stay usable."""

    def session(self) -> AbstractAsyncContextManager[AsyncSession]:
        """One unit of work."""

    async def run(
        self, work: Callable[Concatenate[Connection, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """One unit of work written against a sync Core connection (`work` commits); its result.
        The turn's hot path is written so: on SQLite it is one trip to the database."""


@asynccontextmanager
async def opened_database(url: str) -> AsyncIterator[Sessions]:
    """The database at `url` for one command-line run, its connections closed at the end."""
    database = Database(url)
    try:
        yield database
    finally:
        await database.dispose()

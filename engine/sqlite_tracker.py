"""The embedded default's SQLite tracker store, written the way the app writes its database.

Rasa's SQL tracker store commits every turn synchronously, inside its event loop. On SQLite's
defaults (a rollback journal, `synchronous=FULL`) each commit waits for the disk twice, and
the whole Rasa process waits with it: in issue 14's profile the commit was a tenth of the Rasa
process's time. Worse, SQLAlchemy 1.4 (Rasa's) opens a new connection for every session on a
SQLite file and closes it after, and closing the last connection checkpoints the database:
two opens, two checkpoints per turn.

`install()` makes every SQLite connection Rasa opens use the write-ahead log with
`synchronous=NORMAL` (a commit survives a crash of any process; only a power cut may lose the
last ones, as for the app's own SQLite database, backend/db/engine.py) and wait for a lock
instead of failing at once, and gives Rasa's SQL tracker store a pool that keeps its
connections open (what SQLAlchemy 2 does by default for SQLite files). PostgreSQL, the
production tracker store, is untouched.

The launcher (engine/rasa_server.py) calls `install()` before Rasa starts. Runs on the Rasa
environment's Python 3.10.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

BUSY_TIMEOUT_MS = 10_000
PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
)


def set_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """On each new connection of a SQLite engine: the pragmas above."""
    if type(dbapi_connection).__module__.split(".")[0] not in ("sqlite3", "pysqlite2"):
        return
    cursor = dbapi_connection.cursor()
    try:
        for pragma in PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()


def pooled(engine_kwargs: Callable[[Any], dict[str, Any]]) -> Callable[[Any], dict[str, Any]]:
    """Rasa's `create_engine_kwargs`, with a pool that keeps SQLite connections open."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import QueuePool

    def create_engine_kwargs(url: Any) -> dict[str, Any]:
        kwargs = dict(engine_kwargs(url))
        if make_url(url).get_backend_name() == "sqlite":
            kwargs.setdefault("poolclass", QueuePool)
            # Rasa's store runs on its event loop's thread; the pool may hand a connection
            # to another thread only after it was returned.
            kwargs.setdefault("connect_args", {"check_same_thread": False})
        return kwargs

    create_engine_kwargs.keeps_connections = True  # type: ignore[attr-defined]
    return create_engine_kwargs


def install() -> None:
    """Apply the pragmas to every SQLite connection of this process; keep the store's open."""
    import rasa.core.tracker_store as tracker_store
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    if not event.contains(Engine, "connect", set_pragmas):
        event.listen(Engine, "connect", set_pragmas)
    if not getattr(tracker_store.create_engine_kwargs, "keeps_connections", False):
        tracker_store.create_engine_kwargs = pooled(tracker_store.create_engine_kwargs)

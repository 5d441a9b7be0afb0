"""The embedded default's SQLite tracker store, written the way the app writes its database.

Rasa's SQL tracker store commits every turn synchronously, inside its event loop. On SQLite's
defaults (a rollback journal, `synchronous=FULL`) each commit waits for the disk twice, and
the whole Rasa process waits with it: in issue 14's profile the commit was a tenth of the Rasa
process's time. `install()` makes every SQLite connection Rasa opens use the write-ahead log
with `synchronous=NORMAL` (a commit survives a crash of any process; only a power cut may
lose the last ones, as for the app's own SQLite database, backend/db/engine.py) and wait for
a lock instead of failing at once. PostgreSQL, the production tracker store, is untouched.

The launcher (engine/rasa_server.py) calls `install()` before Rasa starts. Runs on the Rasa
environment's Python 3.10.
"""

from __future__ import annotations

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


def install() -> None:
    """Apply the pragmas to every SQLite connection opened by this process's engines."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    if not event.contains(Engine, "connect", set_pragmas):
        event.listen(Engine, "connect", set_pragmas)

"""Rasa's SQLite tracker store writes like the app's database once the launcher prepared it.

Rasa's own `SQLTrackerStore` on a SQLite file, on the Rasa environment's Python, after what
the launcher does before Rasa starts: its connections use the write-ahead log with
`synchronous=NORMAL` and stay open from turn to turn, and a conversation saved by one store is
read back whole by another.
"""

from __future__ import annotations

from pathlib import Path

from tests.integration.engine.rasa_script import run_in_rasa

SAVE_AND_READ = """
import asyncio, json, os, sys
sys.path.insert(0, os.environ["PROJECT_ROOT"])
from engine.rasa_server import write_sqlite_like_the_app

if sys.argv[2] == "launcher":
    write_sqlite_like_the_app()

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from sqlalchemy import event
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

path = sys.argv[1]
domain = Domain.empty()

async def main() -> None:
    store = SQLTrackerStore(domain, dialect="sqlite", db=path)
    opened = []
    event.listen(store.engine, "connect", lambda *_: opened.append(1))
    tracker = DialogueStateTracker("chat-1", domain.slots)
    for number in range(3):
        tracker.update(UserUttered(f"pesan {number}"))
        tracker.update(ActionExecuted("action_listen"))
        await store.save(tracker)
        await store.retrieve("chat-1")
    with store.engine.connect() as connection:
        mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
        synchronous = connection.exec_driver_sql("PRAGMA synchronous").scalar()
    again = await SQLTrackerStore(domain, dialect="sqlite", db=path).retrieve("chat-1")
    texts = [event.text for event in again.events if isinstance(event, UserUttered)]
    print(json.dumps({
        "journal_mode": mode, "synchronous": synchronous, "texts": texts, "opened": len(opened),
    }))

asyncio.run(main())
"""


def saved_and_read(path: Path, how: str) -> dict[str, object]:
    return run_in_rasa(SAVE_AND_READ, str(path), how)


def test_the_launcher_gives_rasas_sqlite_tracker_store_the_write_ahead_log(
    tmp_path: Path,
) -> None:
    found = saved_and_read(tmp_path / "tracker.db", "launcher")

    assert found["journal_mode"] == "wal"
    assert found["synchronous"] == 1, "NORMAL: a commit does not wait for the disk"
    assert found["texts"] == ["pesan 0", "pesan 1", "pesan 2"], "nothing lost between stores"
    assert found["opened"] == 0, "three turns saved and read on the connection kept open"


def test_without_the_launcher_rasa_would_keep_sqlites_defaults(tmp_path: Path) -> None:
    found = saved_and_read(tmp_path / "tracker.db", "plain")

    assert (found["journal_mode"], found["synchronous"]) == ("delete", 2)
    assert found["opened"] > 1, "SQLAlchemy 1.4 opens a connection per session on a file"

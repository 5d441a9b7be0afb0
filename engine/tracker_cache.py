"""Rasa's SQL tracker store keeps the trackers it saved, checked against the database.

On every message Rasa 3.6 reads the conversation's events of the current session from the
tracker store, decodes each from JSON and replays them all into a new tracker
(`SQLTrackerStore.retrieve`), then appends the turn's events and saves the tracker. The
longer the conversation, the more it replays: in issue 14's profile at 50 concurrent chats,
reading the tracker back was a fifth of the Rasa process's busy time.

`install()` makes the store keep each tracker it saved (at most `CAPACITY`, the least
recently used go first) and hand that same object to the next `retrieve` of the
conversation, after one query that checks it is still what the database holds: the number
of events of the current session and the time of its latest. Any difference (another Rasa
process or the HTTP API wrote events, a new session started, a turn failed after changing
the tracker but before saving it) and the tracker is read from the database as before.

A tracker is taken out of the cache when it is handed out and put back only by `save`, so no
two callers ever hold the same object, and one that is never saved is never reused. Rasa's
lock store already lets one message at a time change a conversation; the check covers every
other writer. `retrieve_full_tracker` (all sessions) is left as it is.

The launcher (engine/rasa_server.py) calls `install()` before Rasa starts. Runs on the Rasa
environment's Python 3.10.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

CAPACITY = 512


@dataclass(frozen=True)
class Kept:
    """A saved tracker and what the database held for its current session once saved."""

    tracker: Any
    events: int
    latest: float | None
    domain: Any


class KeptTrackers:
    """The trackers saved last, by sender id, least recently saved first."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self.capacity = capacity
        self._kept: OrderedDict[str, Kept] = OrderedDict()

    def take(self, sender_id: str) -> Kept | None:
        """The kept tracker of the conversation, no longer kept (None if there is none)."""
        return self._kept.pop(sender_id, None)

    def keep(self, sender_id: str, tracker: Any, domain: Any = None) -> None:
        """Keep the tracker as saved now (with the store's domain of then), dropping the least
        recently saved over capacity."""
        self._kept.pop(sender_id, None)
        self._kept[sender_id] = Kept(tracker, len(tracker.events), latest_time(tracker), domain)
        while len(self._kept) > self.capacity:
            self._kept.popitem(last=False)

    def forget(self, sender_id: str) -> None:
        self._kept.pop(sender_id, None)

    def __len__(self) -> int:
        return len(self._kept)


def latest_time(tracker: Any) -> float | None:
    """The timestamp of the tracker's latest event (None without events)."""
    return float(tracker.events[-1].timestamp) if tracker.events else None


def still_current(kept: Kept, stored_events: int, stored_latest: float | None) -> bool:
    """Whether the kept tracker is the stored session: unchanged since it was saved, and the
    database holds as many events for the session, the latest at the same time."""
    tracker = kept.tracker
    if len(tracker.events) != kept.events or latest_time(tracker) != kept.latest:
        return False  # changed after its save (a turn that failed half-way)
    if stored_events != kept.events:
        return False
    if stored_latest is None or kept.latest is None:
        return stored_latest is None and kept.latest is None
    return abs(stored_latest - kept.latest) < 1e-6


def stored_session(store: Any, sender_id: str) -> tuple[int, float | None]:
    """How many events the current session has in the database, and the latest one's time
    (Rasa's own query of the session's events, counted)."""
    import sqlalchemy as sa

    with store.session_scope() as session:
        query = store._event_query(session, sender_id, fetch_events_from_all_sessions=False)
        count, latest = (
            query.order_by(None)
            .with_entities(sa.func.count(store.SQLEvent.id), sa.func.max(store.SQLEvent.timestamp))
            .one()
        )
    return int(count), None if latest is None else float(latest)


def install(capacity: int = CAPACITY) -> None:
    """Give Rasa's SQL tracker store its kept trackers (once per process)."""
    from rasa.core.tracker_store import SQLTrackerStore

    if getattr(SQLTrackerStore, "keeps_trackers", False):
        return
    original_retrieve = SQLTrackerStore.retrieve
    original_save = SQLTrackerStore.save

    def kept_trackers(store: Any) -> KeptTrackers:
        kept = store.__dict__.get("_kept_trackers")
        if kept is None:
            kept = store.__dict__["_kept_trackers"] = KeptTrackers(capacity)
        return kept

    async def retrieve(self: Any, sender_id: str) -> Any:
        kept = kept_trackers(self).take(sender_id)
        if (
            kept is not None
            and kept.domain is self.domain  # a new model may have other slots
            and still_current(kept, *stored_session(self, sender_id))
        ):
            return kept.tracker
        return await original_retrieve(self, sender_id)

    async def save(self: Any, tracker: Any) -> None:
        kept = kept_trackers(self)
        kept.forget(tracker.sender_id)
        await original_save(self, tracker)
        kept.keep(tracker.sender_id, tracker, self.domain)

    SQLTrackerStore.retrieve = retrieve  # type: ignore[method-assign]
    SQLTrackerStore.save = save  # type: ignore[method-assign]
    SQLTrackerStore.keeps_trackers = True  # type: ignore[attr-defined]

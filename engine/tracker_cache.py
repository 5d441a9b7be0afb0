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

The check's count also spares `save` its own: Rasa counts the session's stored events again
to know which events are new. For a tracker handed out from the cache that count is the
one just checked (the conversation's lock is held from the retrieve to the save), so the
save starts from it; any other tracker is counted by Rasa as before.

The launcher (engine/rasa_server.py) calls `install()` before Rasa starts. Runs on the Rasa
environment's Python 3.10.
"""

from __future__ import annotations

import itertools
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


def session_count_query(events: Any) -> Any:
    """The count and latest time of a sender's events of its current session: the events
    Rasa's `_event_query` reads (those from the latest `session_started` on, or all)."""
    import sqlalchemy as sa
    from rasa.shared.core.events import SessionStarted

    sender = sa.bindparam("sender_id")
    session_start = (
        sa.select(sa.func.max(events.c.timestamp))
        .where(events.c.sender_id == sender, events.c.type_name == SessionStarted.type_name)
        .scalar_subquery()
    )
    return sa.select(sa.func.count(events.c.id), sa.func.max(events.c.timestamp)).where(
        events.c.sender_id == sender,
        sa.or_(events.c.timestamp >= session_start, session_start.is_(None)),
    )


class StoreState:
    """What one tracker store adds: its kept trackers, the counts checked for the trackers it
    handed out (per sender: the tracker and its stored events), and its check query."""

    def __init__(self, store: Any, capacity: int) -> None:
        self.kept = KeptTrackers(capacity)
        self.checked: dict[str, tuple[Any, int]] = {}
        self.query = session_count_query(store.SQLEvent.__table__)

    @classmethod
    def of(cls, store: Any, capacity: int = CAPACITY) -> StoreState:
        """The store's state, made on first use."""
        state = store.__dict__.get("_kept_tracker_state")
        if state is None:
            state = store.__dict__["_kept_tracker_state"] = cls(store, capacity)
        return state


def stored_session(store: Any, query: Any, sender_id: str) -> tuple[int, float | None]:
    """How many events the current session has in the database, and the latest one's time."""
    with store.session_scope() as session:
        count, latest = session.execute(query, {"sender_id": sender_id}).one()
    return int(count), None if latest is None else float(latest)


def install(capacity: int = CAPACITY) -> None:
    """Give Rasa's SQL tracker store its kept trackers (once per process)."""
    from rasa.core.tracker_store import SQLTrackerStore

    if getattr(SQLTrackerStore, "keeps_trackers", False):
        return
    original_retrieve = SQLTrackerStore.retrieve
    original_save = SQLTrackerStore.save
    original_additional_events = SQLTrackerStore._additional_events

    async def retrieve(self: Any, sender_id: str) -> Any:
        state = StoreState.of(self, capacity)
        kept = state.kept.take(sender_id)
        state.checked.pop(sender_id, None)
        if kept is not None and kept.domain is self.domain:  # a new model may have other slots
            stored = stored_session(self, state.query, sender_id)
            if still_current(kept, *stored):
                state.checked[sender_id] = (kept.tracker, stored[0])
                return kept.tracker
        return await original_retrieve(self, sender_id)

    def additional_events(self: Any, session: Any, tracker: Any) -> Any:
        checked = StoreState.of(self, capacity).checked.pop(tracker.sender_id, None)
        if checked is None or checked[0] is not tracker:
            return original_additional_events(self, session, tracker)
        return itertools.islice(tracker.events, checked[1], len(tracker.events))

    async def save(self: Any, tracker: Any) -> None:
        state = StoreState.of(self, capacity)
        state.kept.forget(tracker.sender_id)
        try:
            await original_save(self, tracker)
        finally:
            state.checked.pop(tracker.sender_id, None)
        state.kept.keep(tracker.sender_id, tracker, self.domain)

    SQLTrackerStore.retrieve = retrieve  # type: ignore[method-assign]
    SQLTrackerStore._additional_events = additional_events  # type: ignore[method-assign]
    SQLTrackerStore.save = save  # type: ignore[method-assign]
    SQLTrackerStore.keeps_trackers = True  # type: ignore[attr-defined]

"""Agent presence: an agent is online while their console keeps a live stream (a heartbeat)."""

from __future__ import annotations

from datetime import datetime, timedelta

ONLINE_SECONDS = 60  # no heartbeat (the queue stream sends one every 10 s) this long: offline


def online_since(now: datetime) -> datetime:
    """The oldest heartbeat that still counts as online at `now`."""
    return now - timedelta(seconds=ONLINE_SECONDS)


def is_online(seen_at: datetime | None, now: datetime) -> bool:
    """Whether an agent last seen at `seen_at` is online at `now`."""
    return seen_at is not None and seen_at >= online_since(now)

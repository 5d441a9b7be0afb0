"""Agent presence: online while the console's heartbeat is recent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from backend.domain.presence import ONLINE_SECONDS, is_online, online_since

NOW = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)


def test_an_agent_seen_just_now_is_online() -> None:
    assert is_online(NOW - timedelta(seconds=5), NOW)


def test_an_agent_silent_longer_than_the_window_is_offline() -> None:
    assert not is_online(NOW - timedelta(seconds=ONLINE_SECONDS + 1), NOW)


def test_an_agent_never_seen_is_offline() -> None:
    assert not is_online(None, NOW)


def test_the_window_starts_online_seconds_ago() -> None:
    assert online_since(NOW) == NOW - timedelta(seconds=ONLINE_SECONDS)

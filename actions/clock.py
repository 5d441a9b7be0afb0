"""The time of day for the actions, injectable so that tests can stand at any moment."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """Now, timezone-aware."""
    return datetime.now(UTC)

"""When to start a server again after it died: 1, 2, 4 … seconds, at most 30, reset when stable.

Pure policy, no clock: the supervisor tells it how long the process ran before it died.
A process that crashes at once is restarted after ever longer pauses (a broken configuration
does not spin the machine); one that had run stably for `stable_after` seconds is back to
the first, short pause.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Backoff:
    """The pauses before restarts of one process."""

    first: float = 1.0
    factor: float = 2.0
    cap: float = 30.0
    stable_after: float = 60.0
    _next: float = field(default=0.0, init=False, repr=False)

    def __post_init__(self) -> None:
        if not 0 < self.first <= self.cap or self.factor < 1:
            raise ValueError("a backoff needs 0 < first <= cap and a factor of 1 or more")
        self._next = self.first

    def pause_after(self, ran_for: float) -> float:
        """Seconds to wait before starting again a process that died after `ran_for` seconds."""
        if ran_for >= self.stable_after:
            self._next = self.first
        pause = self._next
        self._next = min(self.cap, self._next * self.factor)
        return pause

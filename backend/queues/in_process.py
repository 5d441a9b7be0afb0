"""The turn queue of one process (the embedded default: one app process on SQLite).

`enqueue(conversation)` runs the handler for that conversation in a task of this process:

- one handler per conversation at a time; notices that arrive while it runs make it run
  once more afterwards (any number of them: once), since one run handles every waiting
  message;
- different conversations run side by side, at most `concurrency` at once (others wait);
- `RetryLater(seconds)` runs the conversation again after `seconds`, and it stays the
  conversation's only run meanwhile (new notices do not start a second one);
- any other exception is logged (the conversation id with its digits masked) and the
  conversation runs again after a pause that doubles from 1 s up to 60 s: nothing is dropped.

A conversation with no run can be claimed (`claim`) by the intake of this process, which
then begins the turn of the message it just stored itself (`TurnClaim.start`): the claim
is the conversation's run, so notices that come meanwhile run the handler after it, and its
RetryLater or failure hands the conversation to the handler after the pause.

Notices live in memory: after a restart the app must enqueue again the conversations that
still have messages waiting in the database.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Final

from backend.domain.personal_data import mask_digits
from backend.services.ports import RetryLater, TurnHandler

__all__ = ["InProcessTurnQueue", "backoff"]

Turn = Callable[[], Awaitable[None]]

log = logging.getLogger(__name__)

# Turns of different conversations at the bot at once: as many as a replica takes from
# RabbitMQ (16 shards, one message each). Rasa works one turn at a time on one core, so more
# only interleaves them (in issue 14's runs at 50 chats, 8 or 16 did as well as 32 or better).
DEFAULT_CONCURRENCY: Final = 16
FIRST_BACKOFF_SECONDS: Final = 1.0
LONGEST_BACKOFF_SECONDS: Final = 60.0


class InProcessTurnQueue:
    """The `TurnQueue` port in this process; `start(handler)` before or after the first notices."""

    def __init__(
        self,
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        first_backoff_seconds: float = FIRST_BACKOFF_SECONDS,
        longest_backoff_seconds: float = LONGEST_BACKOFF_SECONDS,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be 1 or more")
        self._slots = asyncio.Semaphore(concurrency)
        self._first_backoff = first_backoff_seconds
        self._longest_backoff = longest_backoff_seconds
        self._handler: TurnHandler | None = None
        self._runs: dict[str, asyncio.Task[None]] = {}  # the one run of each busy conversation
        self._again: set[str] = set()  # notified while running: run once more
        self._early: dict[str, None] = {}  # notified before `start`, in order
        self._closed = False

    def running(self, conversation_id: str) -> bool:
        """Whether the conversation has a run (working, waiting for a slot, or to retry)."""
        return conversation_id in self._runs

    async def start(self, handler: TurnHandler) -> None:
        """Run `handler` for every notice from now on, and for those that came before."""
        if self._closed:
            raise RuntimeError("the turn queue is closed")
        if self._handler is not None:
            raise RuntimeError("the turn queue is started already")
        self._handler = handler
        early, self._early = list(self._early), {}
        for conversation_id in early:
            self._notify(conversation_id)

    async def enqueue(self, conversation_id: str, /) -> None:
        """Have the handler run this conversation (once more, if it is running now)."""
        if self._closed:
            raise RuntimeError("the turn queue is closed")
        if self._handler is None:
            self._early[conversation_id] = None
            return
        self._notify(conversation_id)

    def claim(self, conversation_id: str, /) -> Claim | None:
        """Hold the conversation's run for a turn begun by the caller; None if it has a run
        already, or the queue is not started (no worker here) or closed."""
        if self._closed or self._handler is None or conversation_id in self._runs:
            return None
        chosen: asyncio.Future[Turn | None] = asyncio.get_running_loop().create_future()
        self._runs[conversation_id] = asyncio.create_task(
            self._run(conversation_id, chosen), name=f"turn {mask_digits(conversation_id)}"
        )
        return Claim(chosen)

    async def aclose(self) -> None:
        """Cancel the runs and wait for them to end. Notices after this raise RuntimeError."""
        self._closed = True
        runs = list(self._runs.values())
        for run in runs:
            run.cancel()
        await asyncio.gather(*runs, return_exceptions=True)
        self._runs.clear()
        self._again.clear()
        self._early.clear()

    def _notify(self, conversation_id: str) -> None:
        if conversation_id in self._runs:
            self._again.add(conversation_id)
            return
        self._runs[conversation_id] = asyncio.create_task(
            self._run(conversation_id), name=f"turn {mask_digits(conversation_id)}"
        )

    async def _run(
        self, conversation_id: str, claimed: asyncio.Future[Turn | None] | None = None
    ) -> None:
        """Run the conversation until no notice came during the last successful run; a
        claimed run first waits for its claim's turn (None: released) and runs it."""
        failures = 0
        try:
            turn = None if claimed is None else await claimed
            if claimed is not None and turn is None and conversation_id not in self._again:
                return
            while True:
                if turn is None:
                    # A notice before the handler starts is answered by this run of it.
                    self._again.discard(conversation_id)
                    turn = partial(self._handled, conversation_id)
                pause = await self._attempt(conversation_id, failures, turn)
                turn = None
                if pause is None:
                    failures = 0
                    if conversation_id not in self._again:
                        return  # `finally` frees the conversation before any other task runs
                    continue
                if pause.failed:
                    failures += 1
                await asyncio.sleep(pause.seconds)
        finally:
            self._runs.pop(conversation_id, None)
            self._again.discard(conversation_id)

    async def _handled(self, conversation_id: str) -> None:
        handler = self._handler
        if handler is None:  # pragma: no cover - runs exist only once started
            raise RuntimeError("the turn queue is not started")
        await handler(conversation_id)

    async def _attempt(self, conversation_id: str, failures: int, turn: Turn) -> _Pause | None:
        """One run of the turn in a slot; the pause before the next try if it must retry."""
        async with self._slots:
            try:
                await turn()
            except RetryLater as retry:
                log.info(
                    "Turn of %s retried in %.3g s: %s",
                    mask_digits(conversation_id),
                    retry.seconds,
                    mask_digits(retry.reason),
                )
                return _Pause(max(0.0, retry.seconds), failed=False)
            except Exception:
                pause = backoff(failures, self._first_backoff, self._longest_backoff)
                log.exception(
                    "Turn of %s failed; retried in %.3g s", mask_digits(conversation_id), pause
                )
                return _Pause(pause, failed=True)
        return None


def backoff(failures: int, first: float, longest: float) -> float:
    """The pause after `failures` failures in a row: first, 2 × first, 4 × first … longest."""
    return min(first * (1 << min(failures, 32)), longest)


class Claim:
    """The `TurnClaim` of this queue: its run waits for `start` or `release`."""

    def __init__(self, chosen: asyncio.Future[Turn | None]) -> None:
        self._chosen = chosen

    def start(self, turn: Turn, /) -> None:
        if not self._chosen.done():
            self._chosen.set_result(turn)

    def release(self) -> None:
        if not self._chosen.done():
            self._chosen.set_result(None)


class _Pause:
    """How long to wait before running a conversation again, and whether it had failed."""

    __slots__ = ("failed", "seconds")

    def __init__(self, seconds: float, *, failed: bool) -> None:
        self.seconds = seconds
        self.failed = failed

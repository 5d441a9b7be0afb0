"""The durable message path, wired: event bus, turn queue, intake, outbox dispatcher, worker.

Both entrypoints build it here: the app factory (the gateway, with the worker inside the
app process unless RUN_WORKER=false) and `python -m backend.cli worker` (a worker alone).
The embedded default is in-process (no REDIS_URL, no RABBITMQ_URL); with them, events fan
out through Redis and turns go through RabbitMQ, on the same code path.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from backend.buses import RunningEventBus, open_event_bus
from backend.queues import RunningTurnQueue, open_turn_queue
from backend.services.outbox import Dispatcher
from backend.services.ports import Outbox, Responder
from backend.services.turns import AfterTurn, Turns
from backend.services.unit_of_work import Sessions
from backend.settings import Settings

log = logging.getLogger(__name__)

# A message waiting this long without a run lost its notice (a crash between storing and
# queueing, an in-process queue that died with its process): the sweep queues it again.
STALE_AFTER = timedelta(seconds=20)
SWEEP_EVERY_SECONDS = 10.0


class Pipeline:
    """Opened once per process; `start_worker` makes this process answer turns too."""

    def __init__(self, settings: Settings, sessions: Sessions, clock: Callable[[], datetime]):
        self._settings = settings
        self._sessions = sessions
        self._clock = clock
        self._tasks: list[asyncio.Task[None]] = []
        self._bus: RunningEventBus | None = None
        self._queue: RunningTurnQueue | None = None
        self.dispatcher: Dispatcher | None = None
        self.turns: Turns | None = None

    @property
    def bus(self) -> RunningEventBus:
        if self._bus is None:
            raise RuntimeError("the pipeline is not open")
        return self._bus

    @property
    def queue(self) -> RunningTurnQueue:
        if self._queue is None:
            raise RuntimeError("the pipeline is not open")
        return self._queue

    async def open(self) -> None:
        """Connect the bus and the queue (Redis, RabbitMQ when configured)."""
        self._bus = await open_event_bus(self._settings.redis_url)
        self._queue = await open_turn_queue(
            self._settings.rabbitmq_url, shards=self._settings.turn_queue_shards
        )

    def start_dispatcher(self, outbox: Outbox) -> Dispatcher:
        """Send the outbox through the channels' senders; sweep for retries every second."""
        self.dispatcher = Dispatcher(self._sessions, outbox, self._clock)
        self._tasks.append(asyncio.create_task(self.dispatcher.run()))
        return self.dispatcher

    async def start_worker(self, responder: Responder, *, after_turn: AfterTurn | None) -> Turns:
        """Consume the turn queue here, and queue again what waited too long; the turns."""
        if self.dispatcher is None:
            raise RuntimeError("start the dispatcher first")
        self.turns = Turns(
            self._sessions,
            responder,
            self.dispatcher,
            self.bus,
            self._clock,
            after_turn=after_turn,
            try_lifetime=timedelta(seconds=self._settings.rasa_turn_timeout_seconds + 10),
        )
        await self.queue.start(self.turns.run)
        self._tasks.append(asyncio.create_task(self._sweep(self.turns)))
        return self.turns

    async def requeue_waiting(self, older_than: timedelta = timedelta(0)) -> int:
        """Queue again every conversation with a message waiting longer than `older_than`."""
        if self.turns is None:
            return 0
        waiting = await self.turns.stale(older_than)
        for conversation_id in waiting:
            await self.queue.enqueue(conversation_id)
        return len(waiting)

    async def aclose(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self._queue is not None:
            await self._queue.aclose()
        if self.dispatcher is not None:
            await self.dispatcher.aclose()
        if self._bus is not None:
            await self._bus.aclose()

    async def _sweep(self, turns: Turns) -> None:
        """At start every waiting message (notices die with an in-process queue), then the
        ones waiting too long (a notice RabbitMQ did not take)."""
        older_than = timedelta(0)
        while True:
            try:
                await self.requeue_waiting(older_than)
            except Exception:
                log.exception("pipeline: the sweep of waiting messages failed")
            older_than = STALE_AFTER
            await asyncio.sleep(SWEEP_EVERY_SECONDS)

"""Turn queues (the `TurnQueue` port): in process for one app process, RabbitMQ across replicas.

    queue = await open_turn_queue(settings.rabbitmq_url, shards=settings.turn_queue_shards)
    await queue.start(run_turn)        # on replicas that run turns; publishing needs no start
    await queue.enqueue(conversation_id)
    await queue.aclose()               # at shutdown

Both adapters keep one turn per conversation at a time (in the process, or in the whole
cluster) and retry a conversation whose handler raised `RetryLater` or failed.
"""

from __future__ import annotations

from typing import Protocol

from backend.queues.in_process import InProcessTurnQueue
from backend.queues.rabbitmq import RabbitTurnQueue, shard_of
from backend.services.ports import TurnHandler, TurnQueue

__all__ = [
    "InProcessTurnQueue",
    "RabbitTurnQueue",
    "RunningTurnQueue",
    "open_turn_queue",
    "shard_of",
]


class RunningTurnQueue(TurnQueue, Protocol):
    """A turn queue the app starts and closes."""

    async def start(self, handler: TurnHandler) -> None:
        """Run `handler` for the notices of this queue (in this process)."""

    async def aclose(self) -> None:
        """Stop running handlers and let go of the connection."""


async def open_turn_queue(
    rabbitmq_url: str, *, shards: int = 16, prefix: str = "aduan"
) -> RunningTurnQueue:
    """A connected queue: on RabbitMQ when `rabbitmq_url` is set, else in this process.

    Async because the RabbitMQ adapter connects and declares its shard queues here; it
    raises (aio-pika's connection error) when RabbitMQ cannot be reached, so a replica never
    falls back to a queue of its own that the others do not see. Not started yet.
    """
    if not rabbitmq_url:
        return InProcessTurnQueue()
    queue = RabbitTurnQueue(rabbitmq_url, shards=shards, prefix=prefix)
    await queue.connect()
    return queue

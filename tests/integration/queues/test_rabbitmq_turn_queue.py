"""The RabbitMQ turn queue with two app replicas (two connections) on the real RabbitMQ.

Each test has queues of its own (a fresh prefix), deleted at the end.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import aio_pika
import pytest

from backend.queues import RabbitTurnQueue, open_turn_queue, shard_of
from backend.services.ports import RetryLater
from tests.fakes.turns import Conversations, until

SHARDS = 4
Replica = Callable[..., RabbitTurnQueue]


@pytest.fixture
def prefix() -> str:
    return f"test-{secrets.token_hex(6)}"


@pytest.fixture
async def replica(rabbitmq_url: str, prefix: str) -> AsyncIterator[Replica]:
    """Makes app replicas' turn queues on one prefix; closes them, then deletes the queues."""
    queues: list[RabbitTurnQueue] = []

    def make(**options: Any) -> RabbitTurnQueue:
        quick = {
            "first_backoff_seconds": 0.05,
            "longest_backoff_seconds": 0.2,
            "shutdown_grace_seconds": 0.2,
        }
        queue = RabbitTurnQueue(rabbitmq_url, shards=SHARDS, prefix=prefix, **(quick | options))
        queues.append(queue)
        return queue

    yield make
    for queue in queues:
        await queue.aclose()
    await delete_queues(rabbitmq_url, prefix, SHARDS)


async def delete_queues(rabbitmq_url: str, prefix: str, shards: int) -> None:
    connection = await aio_pika.connect(rabbitmq_url)
    async with connection:
        channel = await connection.channel()
        for shard in range(shards):
            await channel.queue_delete(f"{prefix}.turns.{shard}")


def on_other_shards(count: int) -> list[str]:
    """`count` conversation ids, each on a shard of its own."""
    found: dict[int, str] = {}
    n = 0
    while len(found) < count:
        found.setdefault(shard_of(f"62812000{n:05d}", SHARDS), f"62812000{n:05d}")
        n += 1
    return list(found.values())


async def test_two_replicas_run_each_conversation_one_turn_at_a_time_and_in_order(
    replica: Replica,
) -> None:
    one, two = replica(), replica()
    chats = Conversations(turn_seconds=0.005)
    await one.start(chats.handle)
    await two.start(chats.handle)
    conversations = ["budi", "siti", "6281234567890", "web-3f2a"]

    for n in range(32):  # notices come through both replicas, interleaved
        await chats.say(one if n % 2 else two, conversations[n % 4], f"pesan {n}")
    await until(chats.all_handled, what="every message handled")

    for conversation in conversations:
        assert chats.handled[conversation] == chats.said[conversation]
        assert len(chats.said[conversation]) == 8
    assert chats.overlaps == []


async def test_a_replica_that_goes_away_mid_turn_leaves_the_notice_to_the_other_replica(
    replica: Replica,
) -> None:
    one, two = replica(), replica()
    began_on_one = asyncio.Event()
    stopped_on_one: list[str] = []
    handled_on_two: list[str] = []

    async def stuck(conversation_id: str) -> None:
        began_on_one.set()
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            stopped_on_one.append(conversation_id)
            raise

    async def handle(conversation_id: str) -> None:
        handled_on_two.append(conversation_id)

    await one.start(stuck)  # first on every shard: the active consumer
    await two.start(handle)  # waits as the single active consumer's stand-in
    await one.enqueue("budi")
    await asyncio.wait_for(began_on_one.wait(), timeout=5)

    await one.aclose()  # its connection closes while the turn runs
    await until(lambda: handled_on_two == ["budi"], what="the notice redelivered to two")

    assert stopped_on_one == ["budi"]
    await asyncio.sleep(0.1)
    assert handled_on_two == ["budi"]  # once


def on_one_shard(count: int) -> list[str]:
    """`count` conversation ids that share one shard."""
    first = "628130000000"
    found = [first]
    n = 1
    while len(found) < count:
        candidate = f"62813{n:07d}"
        if shard_of(candidate, SHARDS) == shard_of(first, SHARDS):
            found.append(candidate)
        n += 1
    return found


async def test_a_conversation_waiting_for_the_bot_holds_up_nobody_in_its_shard(
    replica: Replica,
) -> None:
    queue = replica()
    budi, siti = on_one_shard(2)
    chats = Conversations()
    bot_back_at = time.monotonic() + 0.3
    started: list[tuple[str, float]] = []

    async def handle(conversation_id: str) -> None:
        started.append((conversation_id, time.monotonic()))
        if conversation_id == budi and time.monotonic() < bot_back_at:
            raise RetryLater(0.1, "the bot is down")
        await chats.handle(conversation_id)

    await queue.start(handle)
    await chats.say(queue, budi, "pesan 1")
    await until(lambda: len(started) >= 1)
    await chats.say(queue, budi, "pesan 2")
    await chats.say(queue, siti, "halo")  # the same shard: not held up behind budi
    await until(lambda: chats.handled[siti] == ["halo"])
    assert chats.handled[budi] == []
    await until(chats.all_handled)

    assert chats.handled[budi] == ["pesan 1", "pesan 2"]
    assert min(at for who, at in started if who == siti) < bot_back_at
    assert chats.overlaps == []


async def test_a_notice_held_longer_than_allowed_goes_back_to_the_head_of_its_shard(
    replica: Replica, caplog: pytest.LogCaptureFixture
) -> None:
    queue = replica(hold_seconds=0.15)
    chats = Conversations()
    retries = 0

    async def handle(conversation_id: str) -> None:
        nonlocal retries
        if retries < 4:  # failing for 0.2 s: longer than a notice may be held
            retries += 1
            raise RuntimeError("the database is away")
        await chats.handle(conversation_id)

    caplog.set_level(logging.INFO, logger="backend.queues.rabbitmq")
    await queue.start(handle)
    await chats.say(queue, "budi", "pesan 1")
    await until(lambda: retries == 1)
    await chats.say(queue, "budi", "pesan 2")
    await until(chats.all_handled)

    assert "held too long: returned to its shard" in caplog.text
    assert chats.turns_of("budi")[0].messages == ["pesan 1", "pesan 2"]
    assert chats.overlaps == []


async def test_a_failing_turn_is_tried_again_until_it_succeeds_without_losing_the_notice(
    replica: Replica,
) -> None:
    queue = replica()
    chats = Conversations()
    failures = 0

    async def handle(conversation_id: str) -> None:
        nonlocal failures
        if failures < 2:
            failures += 1
            raise RuntimeError("database went away")
        await chats.handle(conversation_id)

    await queue.start(handle)
    await chats.say(queue, "budi", "pesan 1")
    await until(chats.all_handled)

    assert failures == 2
    assert chats.handled["budi"] == ["pesan 1"]


async def test_a_replica_that_only_publishes_reaches_the_consuming_replica(
    replica: Replica,
) -> None:
    publisher, worker = replica(), replica()
    await publisher.connect()
    chats = Conversations()

    await chats.say(publisher, "budi", "pesan 1")  # no worker yet: the notice waits, durable
    await worker.start(chats.handle)
    await chats.say(publisher, "siti", "pesan 2")
    await until(chats.all_handled)

    assert chats.handled == {"budi": ["pesan 1"], "siti": ["pesan 2"]}


async def test_with_a_rabbitmq_url_the_turn_queue_is_a_connected_rabbitmq_queue(
    rabbitmq_url: str, prefix: str
) -> None:
    queue = await open_turn_queue(rabbitmq_url, shards=2, prefix=prefix)
    try:
        assert isinstance(queue, RabbitTurnQueue)
        await queue.enqueue("budi")  # connected: publishing works without start
    finally:
        await queue.aclose()
        await delete_queues(rabbitmq_url, prefix, 2)


async def test_no_replica_may_hold_a_conversation_alone_so_every_turn_is_queued(
    replica: Replica,
) -> None:
    queue = replica()
    await queue.start(Conversations().handle)

    assert queue.claim("budi") is None

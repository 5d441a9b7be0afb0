"""The Redis event bus between two app replicas (two RedisBus instances on the real Redis)."""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import AsyncIterator, Callable

import pytest
from redis.asyncio import Redis

from backend.buses import RedisBus, open_event_bus

TOPIC = "conversation:budi"
Replica = Callable[[], RedisBus]


@pytest.fixture
def prefix() -> str:
    """Channels of this test only (other tests and deployments may share the Redis)."""
    return f"test-{secrets.token_hex(6)}"


@pytest.fixture
async def replica(redis_url: str, prefix: str) -> AsyncIterator[Replica]:
    """Makes app replicas' buses on one prefix; closes them at the end."""
    buses: list[RedisBus] = []

    def make() -> RedisBus:
        bus = RedisBus(redis_url, prefix=prefix, first_pause_seconds=0.05)
        buses.append(bus)
        return bus

    yield make
    for bus in buses:
        await bus.aclose()


async def test_an_event_published_on_one_replica_reaches_a_subscriber_on_the_other_within_a_second(
    replica: Replica,
) -> None:
    one, two = replica(), replica()
    await one.start()
    await two.start()
    subscription = two.subscribe(TOPIC)

    sent = time.monotonic()
    await one.publish(TOPIC, {"type": "answers", "last_id": 7})
    heard = await subscription.next(timeout=1)

    assert heard == {"type": "answers", "last_id": 7}
    assert time.monotonic() - sent < 1


async def test_events_arrive_at_the_other_replica_in_the_order_they_were_published(
    replica: Replica,
) -> None:
    one, two = replica(), replica()
    await one.start()
    await two.start()
    subscription = two.subscribe(TOPIC)

    for n in range(20):
        await one.publish(TOPIC, {"last_id": n})

    assert [await subscription.next(timeout=1) for _ in range(20)] == [
        {"last_id": n} for n in range(20)
    ]


async def test_the_publishing_replica_hears_its_own_event_once(replica: Replica) -> None:
    one = replica()
    await one.start()
    subscription = one.subscribe(TOPIC)

    await one.publish(TOPIC, {"type": "answers"})

    assert await subscription.next(timeout=1) == {"type": "answers"}
    assert await subscription.next(timeout=0.2) is None  # not again when Redis echoes it


async def test_topics_are_kept_apart_across_replicas(replica: Replica) -> None:
    one, two = replica(), replica()
    await one.start()
    await two.start()
    budi, siti = two.subscribe("conversation:budi"), two.subscribe("conversation:siti")

    await one.publish("conversation:siti", {"type": "agent_joined"})

    assert await siti.next(timeout=1) == {"type": "agent_joined"}
    assert await budi.next(timeout=0.2) is None


async def test_deployments_with_other_prefixes_do_not_hear_each_other(
    replica: Replica, redis_url: str
) -> None:
    ours = replica()
    await ours.start()
    theirs = RedisBus(redis_url, prefix=f"other-{secrets.token_hex(6)}")
    await theirs.start()
    try:
        subscription = theirs.subscribe(TOPIC)
        await ours.publish(TOPIC, {"type": "answers"})

        assert await subscription.next(timeout=0.2) is None
    finally:
        await theirs.aclose()


async def test_a_closed_subscription_hears_no_more_events_from_the_other_replica(
    replica: Replica,
) -> None:
    one, two = replica(), replica()
    await one.start()
    await two.start()
    closed, still_open = two.subscribe(TOPIC), two.subscribe(TOPIC)

    closed.close()
    await one.publish(TOPIC, {"type": "answers"})

    assert await still_open.next(timeout=1) == {"type": "answers"}
    assert await closed.next(timeout=0.05) is None


async def test_a_closed_replica_delivers_nothing_more(replica: Replica) -> None:
    one, two = replica(), replica()
    await one.start()
    await two.start()
    subscription = two.subscribe(TOPIC)

    await two.aclose()
    await one.publish(TOPIC, {"type": "answers"})

    assert await subscription.next(timeout=0.2) is None
    assert not two.listening


async def test_the_reader_subscribes_again_when_redis_drops_its_connection(
    replica: Replica, redis_url: str, prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    one, two = replica(), replica()
    await one.start()
    await two.start()
    subscription = two.subscribe(TOPIC)
    caplog.set_level(logging.INFO, logger="backend.buses.redis_bus")
    admin: Redis = Redis.from_url(redis_url, decode_responses=True)
    try:
        clients = await admin.client_list()
        ours = [client["id"] for client in clients if client["name"] == f"{prefix}-bus"]
        assert ours  # the readers and publishers of both replicas
        for client_id in ours:
            await admin.client_kill_filter(_id=client_id)
    finally:
        await admin.aclose()

    deadline = time.monotonic() + 5
    heard = None
    while heard is None and time.monotonic() < deadline:
        await one.publish(TOPIC, {"type": "answers"})
        heard = await subscription.next(timeout=0.1)

    assert heard == {"type": "answers"}
    assert two.listening
    assert "The event bus lost Redis (ConnectionError)" in caplog.text
    assert "The event bus hears Redis again" in caplog.text


async def test_with_a_redis_url_the_event_bus_is_a_started_redis_bus(redis_url: str) -> None:
    bus = await open_event_bus(redis_url, prefix=f"test-{secrets.token_hex(6)}")
    try:
        assert isinstance(bus, RedisBus)
        assert bus.listening
    finally:
        await bus.aclose()


async def test_two_replicas_started_together_hear_each_other(replica: Replica) -> None:
    one, two = replica(), replica()
    await asyncio.gather(one.start(), two.start())
    to_one, to_two = one.subscribe(TOPIC), two.subscribe(TOPIC)

    await asyncio.gather(one.publish(TOPIC, {"from": "one"}), two.publish(TOPIC, {"from": "two"}))

    assert {(await to_one.next(timeout=1) or {}).get("from") for _ in range(2)} == {"one", "two"}
    assert {(await to_two.next(timeout=1) or {}).get("from") for _ in range(2)} == {"one", "two"}

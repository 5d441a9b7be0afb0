"""The in-process event bus: subscribers of a topic hear its events in order; nobody blocks."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator

import pytest

from backend.buses import InProcessBus, RedisBus, open_event_bus

TOPIC = "conversation:6281234567890"


@pytest.fixture
async def bus() -> AsyncIterator[InProcessBus]:
    events = InProcessBus(queue_size=4)
    yield events
    await events.aclose()


async def test_a_subscriber_hears_the_events_of_its_topic_in_order(bus: InProcessBus) -> None:
    subscription = bus.subscribe(TOPIC)

    await bus.publish(TOPIC, {"type": "answers", "last_id": 1})
    await bus.publish(TOPIC, {"type": "turn_done", "last_id": 2})

    assert await subscription.next(timeout=1) == {"type": "answers", "last_id": 1}
    assert await subscription.next(timeout=1) == {"type": "turn_done", "last_id": 2}


async def test_every_subscriber_of_a_topic_hears_each_event_as_its_own_copy(
    bus: InProcessBus,
) -> None:
    widget, rest_caller = bus.subscribe(TOPIC), bus.subscribe(TOPIC)

    await bus.publish(TOPIC, {"type": "answers", "ids": [1, 2]})
    seen_by_widget = await widget.next(timeout=1)
    assert seen_by_widget is not None
    seen_by_widget["ids"].append(3)

    assert await rest_caller.next(timeout=1) == {"type": "answers", "ids": [1, 2]}


async def test_topics_are_kept_apart(bus: InProcessBus) -> None:
    budi, siti = bus.subscribe("conversation:budi"), bus.subscribe("conversation:siti")

    await bus.publish("conversation:budi", {"type": "answers"})

    assert await budi.next(timeout=1) == {"type": "answers"}
    assert await siti.next(timeout=0.05) is None


async def test_next_gives_none_after_the_timeout_without_an_event(bus: InProcessBus) -> None:
    subscription = bus.subscribe(TOPIC)

    assert await subscription.next(timeout=0.05) is None


async def test_a_slow_subscriber_loses_its_oldest_events_with_a_warning_and_never_blocks(
    bus: InProcessBus, caplog: pytest.LogCaptureFixture
) -> None:
    slow = bus.subscribe(TOPIC)

    with caplog.at_level(logging.WARNING, logger="backend.buses.local"):
        for n in range(6):  # the queue holds 4
            await asyncio.wait_for(bus.publish(TOPIC, {"last_id": n}), timeout=0.1)

    assert [await slow.next(timeout=1) for _ in range(4)] == [{"last_id": n} for n in range(2, 6)]
    assert slow.dropped == 2
    warnings = [record.getMessage() for record in caplog.records]
    assert len(warnings) == 2
    assert all("too slow" in warning for warning in warnings)
    assert "6281234567890" not in caplog.text  # the topic's conversation id is masked


async def test_a_closed_subscription_hears_nothing_more_and_its_waiting_reader_wakes(
    bus: InProcessBus,
) -> None:
    subscription = bus.subscribe(TOPIC)
    reader = asyncio.create_task(subscription.next(timeout=5))
    await asyncio.sleep(0.01)

    subscription.close()
    await bus.publish(TOPIC, {"type": "answers"})

    assert await asyncio.wait_for(reader, timeout=1) is None
    assert await subscription.next(timeout=0.05) is None


async def test_closing_the_bus_closes_every_subscription(bus: InProcessBus) -> None:
    subscription = bus.subscribe(TOPIC)

    await bus.aclose()

    assert await subscription.next(timeout=0.05) is None


async def test_an_event_that_is_not_json_is_refused_at_publish(bus: InProcessBus) -> None:
    with pytest.raises(TypeError):
        await bus.publish(TOPIC, {"at": object()})


async def test_without_a_redis_url_the_event_bus_runs_in_process() -> None:
    bus = await open_event_bus("")

    assert isinstance(bus, InProcessBus)
    await bus.aclose()


async def test_a_redis_bus_that_cannot_reach_redis_starts_logs_and_still_serves_this_process(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    bus = RedisBus(f"redis://127.0.0.1:{port}/0", prefix="test", start_timeout_seconds=0.2)
    subscription = bus.subscribe(TOPIC)

    with caplog.at_level(logging.WARNING, logger="backend.buses.redis_bus"):
        await asyncio.wait_for(bus.start(), timeout=2)
        await bus.publish(TOPIC, {"type": "answers"})
        heard = await subscription.next(timeout=1)
    await bus.aclose()

    assert heard == {"type": "answers"}
    assert not bus.listening
    assert "does not reach Redis yet" in caplog.text
    assert "did not reach Redis" in caplog.text

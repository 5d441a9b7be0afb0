"""The in-process turn queue: one turn per conversation at a time, in order, nothing dropped."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator

import pytest

from backend.queues import InProcessTurnQueue, open_turn_queue
from backend.queues.in_process import backoff
from backend.services.ports import RetryLater
from tests.fakes.turns import Conversations, until

BUDI = "6281234567890"  # conversation ids of the chat channels are phone numbers
SITI = "6289876543210"


@pytest.fixture
async def queue() -> AsyncIterator[InProcessTurnQueue]:
    turns = InProcessTurnQueue(first_backoff_seconds=0.05, longest_backoff_seconds=0.2)
    yield turns
    await turns.aclose()


async def test_one_conversation_never_runs_twice_at_once_and_its_messages_keep_their_order(
    queue: InProcessTurnQueue,
) -> None:
    chats = Conversations(turn_seconds=0.005)
    await queue.start(chats.handle)

    for n in range(30):
        await chats.say(queue, BUDI, f"pesan {n}")
        if n % 4 == 0:
            await asyncio.sleep(0.007)  # some notices come while a turn runs, some between
    await until(chats.all_handled)

    assert chats.handled[BUDI] == [f"pesan {n}" for n in range(30)]
    assert chats.overlaps == []
    assert 1 < len(chats.turns) < 30  # notices during a turn are served by one more turn


async def test_two_conversations_run_at_the_same_time(queue: InProcessTurnQueue) -> None:
    both_inside = asyncio.Event()
    inside: set[str] = set()

    async def handle(conversation_id: str) -> None:
        inside.add(conversation_id)
        if len(inside) == 2:
            both_inside.set()
        await asyncio.wait_for(both_inside.wait(), timeout=2)

    await queue.start(handle)
    await queue.enqueue(BUDI)
    await queue.enqueue(SITI)

    await asyncio.wait_for(both_inside.wait(), timeout=2)
    assert inside == {BUDI, SITI}


async def test_conversations_beyond_the_cap_wait_for_a_free_slot_and_then_run() -> None:
    queue = InProcessTurnQueue(concurrency=2)
    chats = Conversations(turn_seconds=0.02)
    await queue.start(chats.handle)
    try:
        for n in range(6):
            await chats.say(queue, f"chat-{n}", "halo")
        await until(chats.all_handled)
    finally:
        await queue.aclose()

    assert chats.most_at_once == 2
    assert sorted(chats.handled) == [f"chat-{n}" for n in range(6)]


async def test_notices_during_a_turn_run_the_conversation_once_more_after_it(
    queue: InProcessTurnQueue,
) -> None:
    release = asyncio.Event()
    calls: list[str] = []
    running = 0
    most_running = 0

    async def handle(conversation_id: str) -> None:
        nonlocal running, most_running
        running += 1
        most_running = max(most_running, running)
        calls.append(conversation_id)
        if len(calls) == 1:
            await release.wait()
        running -= 1

    await queue.start(handle)
    await queue.enqueue(BUDI)
    await until(lambda: len(calls) == 1)
    for _ in range(5):
        await queue.enqueue(BUDI)
    release.set()
    await until(lambda: not queue.running(BUDI))

    assert calls == [BUDI, BUDI]
    assert most_running == 1


async def test_retry_later_runs_the_conversation_again_after_the_delay_and_alone(
    queue: InProcessTurnQueue,
) -> None:
    chats = Conversations()
    started: list[float] = []

    async def handle(conversation_id: str) -> None:
        started.append(time.monotonic())
        if len(started) == 1:
            raise RetryLater(0.2, "the bot is down")
        await chats.handle(conversation_id)

    await queue.start(handle)
    await chats.say(queue, BUDI, "pesan 1")
    await until(lambda: len(started) == 1)
    await chats.say(queue, BUDI, "pesan 2")  # during the wait: no second run meanwhile
    await asyncio.sleep(0.05)
    assert len(started) == 1
    await until(chats.all_handled)
    await until(lambda: not queue.running(BUDI))

    assert started[1] - started[0] >= 0.2
    assert len(started) == 2  # the notice during the wait is served by the retry
    assert chats.handled[BUDI] == ["pesan 1", "pesan 2"]


async def test_a_failing_turn_is_logged_with_the_id_masked_and_tried_again(
    queue: InProcessTurnQueue, caplog: pytest.LogCaptureFixture
) -> None:
    chats = Conversations()
    failures = 0

    async def handle(conversation_id: str) -> None:
        nonlocal failures
        if failures < 2:
            failures += 1
            raise RuntimeError("database went away")
        await chats.handle(conversation_id)

    await queue.start(handle)
    with caplog.at_level(logging.ERROR, logger="backend.queues.in_process"):
        await chats.say(queue, BUDI, "pesan 1")
        await until(chats.all_handled)

    assert chats.handled[BUDI] == ["pesan 1"]
    failed = [record for record in caplog.records if "failed" in record.getMessage()]
    assert len(failed) == 2
    assert all("62*********90" in record.getMessage() for record in failed)
    assert BUDI not in caplog.text
    assert failed[0].exc_info is not None


async def test_the_pause_after_failures_doubles_from_one_second_up_to_a_minute() -> None:
    pauses = [backoff(failures, 1.0, 60.0) for failures in range(8)]

    assert pauses == [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0]
    assert backoff(100_000, 1.0, 60.0) == 60.0


async def test_notices_before_start_run_once_it_starts(queue: InProcessTurnQueue) -> None:
    chats = Conversations()
    await chats.say(queue, BUDI, "pesan 1")
    await chats.say(queue, SITI, "pesan 2")
    await asyncio.sleep(0.02)
    assert chats.turns == []

    await queue.start(chats.handle)
    await until(chats.all_handled)

    assert chats.handled == {BUDI: ["pesan 1"], SITI: ["pesan 2"]}


async def test_closing_cancels_the_running_turns_and_refuses_new_notices() -> None:
    queue = InProcessTurnQueue()
    cancelled = asyncio.Event()
    entered = asyncio.Event()

    async def handle(conversation_id: str) -> None:
        entered.set()
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    await queue.start(handle)
    await queue.enqueue(BUDI)
    await asyncio.wait_for(entered.wait(), timeout=2)
    await queue.aclose()

    assert cancelled.is_set()
    assert not queue.running(BUDI)
    with pytest.raises(RuntimeError, match="closed"):
        await queue.enqueue(BUDI)


async def test_without_a_rabbitmq_url_the_turn_queue_runs_in_process() -> None:
    queue = await open_turn_queue("")

    assert isinstance(queue, InProcessTurnQueue)
    await queue.aclose()


async def test_a_claimed_conversation_runs_the_claimed_turn_then_the_notices_that_came_meanwhile(
    queue: InProcessTurnQueue,
) -> None:
    chats = Conversations(turn_seconds=0.03)
    await queue.start(chats.handle)

    began = await chats.say_first(queue, BUDI, "halo")
    await asyncio.sleep(0.005)  # the claimed turn runs
    queued = await chats.say_first(queue, BUDI, "saya mau mengadu")
    await until(chats.all_handled)

    assert (began, queued) == (True, False)
    assert chats.handled[BUDI] == ["halo", "saya mau mengadu"]
    assert [turn.messages for turn in chats.turns_of(BUDI)] == [["halo"], ["saya mau mengadu"]]
    assert chats.overlaps == []


async def test_messages_begun_at_once_or_queued_keep_their_order_and_never_overlap(
    queue: InProcessTurnQueue,
) -> None:
    chats = Conversations(turn_seconds=0.004)
    await queue.start(chats.handle)
    begun = 0

    for n in range(40):
        for chat in (BUDI, SITI):
            begun += await chats.say_first(queue, chat, f"pesan {n}")
        await asyncio.sleep(0.003 * (n % 3))  # sometimes between turns, sometimes during one
    await until(chats.all_handled)

    assert chats.handled[BUDI] == [f"pesan {n}" for n in range(40)]
    assert chats.handled[SITI] == [f"pesan {n}" for n in range(40)]
    assert chats.overlaps == []
    assert 0 < begun < 80  # some turns began at once, some went through the queue


async def test_a_conversation_with_a_run_cannot_be_claimed(queue: InProcessTurnQueue) -> None:
    chats = Conversations(turn_seconds=0.05)
    await queue.start(chats.handle)
    await chats.say(queue, BUDI, "halo")
    await until(lambda: BUDI in chats.running)

    assert queue.claim(BUDI) is None
    assert queue.claim(SITI) is not None


async def test_no_claim_before_the_queue_starts_or_after_it_closes() -> None:
    queue = InProcessTurnQueue()
    assert queue.claim(BUDI) is None
    await queue.start(Conversations().handle)
    await queue.aclose()

    assert queue.claim(BUDI) is None


async def test_a_released_claim_frees_the_conversation_or_runs_what_was_noticed_meanwhile(
    queue: InProcessTurnQueue,
) -> None:
    chats = Conversations(turn_seconds=0.001)
    await queue.start(chats.handle)

    claim = queue.claim(BUDI)
    assert claim is not None
    claim.release()
    await until(lambda: not queue.running(BUDI), what="the released conversation is free")

    claim = queue.claim(BUDI)
    assert claim is not None
    await chats.say(queue, BUDI, "halo")  # stored by someone else while it was held
    await asyncio.sleep(0.01)
    assert chats.handled[BUDI] == []  # held: the handler waits for the claim
    claim.release()
    await until(chats.all_handled)

    assert chats.handled[BUDI] == ["halo"]


async def test_a_claimed_turn_that_must_retry_hands_the_conversation_to_the_handler(
    queue: InProcessTurnQueue,
) -> None:
    handled: list[str] = []

    async def handle(conversation_id: str) -> None:
        handled.append(conversation_id)

    async def bot_down() -> None:
        raise RetryLater(0.05, "the bot is down")

    await queue.start(handle)
    claim = queue.claim(BUDI)
    assert claim is not None
    claim.start(bot_down)
    await asyncio.sleep(0.02)
    assert handled == [] and queue.running(BUDI)  # paused, still the conversation's run
    await until(lambda: handled == [BUDI], what="the handler ran after the pause")
    await until(lambda: not queue.running(BUDI))


async def test_a_claimed_turn_waits_for_a_free_slot() -> None:
    queue = InProcessTurnQueue(concurrency=1)
    chats = Conversations(turn_seconds=0.05)
    await queue.start(chats.handle)
    try:
        await chats.say(queue, SITI, "halo")
        await until(lambda: SITI in chats.running)
        assert await chats.say_first(queue, BUDI, "halo")
        await asyncio.sleep(0.02)
        assert BUDI not in chats.running  # the one slot is SITI's
        await until(chats.all_handled)
    finally:
        await queue.aclose()

    assert chats.most_at_once == 1

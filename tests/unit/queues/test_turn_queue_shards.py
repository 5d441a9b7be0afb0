"""Which RabbitMQ shard carries a conversation: the same everywhere, spread evenly."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import pytest

from backend.queues import RabbitTurnQueue, shard_of

SHARDS = [11, 0, 9]  # of "budi", "6281234567890", "web-3f2a" among 16


def test_a_conversation_has_the_same_shard_in_every_process_and_release() -> None:
    # Python's hash() of a str changes with each process (PYTHONHASHSEED); ours must not.
    other_process = subprocess.run(
        [sys.executable, "-c", "from backend.queues import shard_of; print(shard_of('budi', 16))"],
        capture_output=True,
        text=True,
        check=True,
    )

    assert int(other_process.stdout) == shard_of("budi", 16)
    # Fixed values: another hash would send a conversation's next notices to another queue.
    assert [shard_of(name, 16) for name in ("budi", "6281234567890", "web-3f2a")] == SHARDS


def test_conversations_spread_over_all_shards() -> None:
    counts = Counter(shard_of(f"62812{n:08d}", 16) for n in range(3200))

    assert sorted(counts) == list(range(16))
    assert min(counts.values()) > 150  # 200 each on average


def test_shard_queues_are_named_by_prefix_and_number() -> None:
    queue = RabbitTurnQueue("amqp://127.0.0.1/", shards=3, prefix="kreditpro")

    assert list(queue.queue_names) == [
        "kreditpro.turns.0",
        "kreditpro.turns.1",
        "kreditpro.turns.2",
    ]
    assert queue.queue_of("budi") == f"kreditpro.turns.{shard_of('budi', 3)}"


def test_a_queue_without_shards_is_refused() -> None:
    with pytest.raises(ValueError, match="shards"):
        RabbitTurnQueue("amqp://127.0.0.1/", shards=0)

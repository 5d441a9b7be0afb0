"""After start-up the servers' long-lived objects leave the garbage collector's walks."""

from __future__ import annotations

import asyncio
import gc
import weakref
from collections.abc import Iterator

import pytest

from backend.frozen_heap import freeze, freeze_after_start


@pytest.fixture(autouse=True)
def thawed() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_freezing_moves_what_is_alive_out_of_the_collected_generations() -> None:
    kept = [object() for _ in range(1000)]

    frozen = freeze()

    assert frozen >= len(kept)
    assert gc.get_freeze_count() == frozen
    assert sum(gc.get_count()) < 1000, "the young generations start empty again"


def test_garbage_cycles_are_collected_before_freezing() -> None:
    class Node:
        other: object | None = None

    first, second = Node(), Node()
    first.other, second.other = second, first
    watched = weakref.ref(first)
    del first, second
    assert watched() is not None, "a cycle outlives its names until collected"

    freeze()

    assert watched() is None


def test_the_start_listener_freezes_the_heap() -> None:
    asyncio.run(freeze_after_start(object()))

    assert gc.get_freeze_count() > 0

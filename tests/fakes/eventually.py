"""Waiting for what happens in the background (a worker, the outbox), with a deadline."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def eventually(
    probe: Callable[[], Awaitable[T] | T], timeout: float = 10.0, interval: float = 0.02
) -> T:
    """The probe's first truthy result; AssertionError (with the last one) after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        found = probe()
        if isinstance(found, Awaitable):
            found = await found
        if found:
            return found  # type: ignore[return-value]
        if time.monotonic() >= deadline:
            raise AssertionError(f"still {found!r} after {timeout} s")
        await asyncio.sleep(interval)

"""In-process rate limits: the key a request counts against, and counts that expire."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from backend.rate_limits import (
    SCOPES,
    InProcessLimiter,
    LimitRules,
    RateLimits,
    counted_address,
    parse_limits,
)


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"),
        ("unknown", "unknown"),
    ],
)
def test_an_address_counts_as_itself_and_ipv6_by_its_64_block(address: str, key: str) -> None:
    assert counted_address(address) == key


def test_in_process_hits_start_no_thread_and_expired_ones_are_swept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    limiter = InProcessLimiter(sweep_seconds=0.05)
    started: list[threading.Thread] = []
    monkeypatch.setattr(threading.Thread, "start", lambda thread: started.append(thread))
    item = parse_limits("2 per 1 second")[0]
    time.sleep(0.05)  # limits' own storage would start a new timer thread after 10 ms

    async def hits() -> list[bool]:
        return [await limiter.hit(item, "test", "chat") for _ in range(3)]

    assert asyncio.run(hits()) == [True, True, False]
    assert started == []
    assert limiter.storage.events  # counted

    deadline = time.monotonic() + 5
    while limiter.storage.events and time.monotonic() < deadline:
        time.sleep(0.05)
    assert limiter.storage.events == {}  # the window passed: nothing kept
    assert asyncio.run(hits()) == [True, True, False]


def test_closing_the_limits_stops_the_sweeper() -> None:
    limits = RateLimits(LimitRules(*["5 per minute"] * len(SCOPES)))
    sweeper = limits._limiter.storage.timer  # type: ignore[union-attr]
    assert sweeper.is_alive()

    asyncio.run(limits.aclose())

    sweeper.join(timeout=5)
    assert not sweeper.is_alive()

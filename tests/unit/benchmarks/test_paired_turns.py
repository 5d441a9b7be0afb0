"""The paired customers: the same steps through both targets, one turn at a time."""

from __future__ import annotations

import asyncio
import json
import time

import httpx

from benchmarks.customers import Tally, Target
from benchmarks.paired_turns import PairedTally, paired_customers

GATEWAY = Target("gateway", "http://gateway.test")
RASA = Target("rasa", "http://rasa.test", metadata={"channel": "rest"})
NAME_QUESTION = [{"text": "Siapa nama lengkap Anda?"}]


def tally() -> PairedTally:
    return PairedTally(Tally(), Tally())


async def run(handler: object, seconds: float = 0.05) -> PairedTally:
    found = tally()
    transport = httpx.MockTransport(handler)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport) as client:
        await paired_customers(client, GATEWAY, RASA, "t", time.monotonic() + seconds, found)
    return found


async def test_each_step_goes_to_both_targets_in_turn_the_first_swapped_each_step() -> None:
    calls: list[tuple[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        calls.append((request.url.host, body["message"]))
        return httpx.Response(200, json=NAME_QUESTION)

    found = await run(handler, seconds=0.03)

    hosts = [host for host, _ in calls]
    assert hosts[:4] == ["gateway.test", "rasa.test", "rasa.test", "gateway.test"]
    assert calls[0][1] == calls[1][1], "the same message to both"
    assert len(found.pairs) * 2 <= len(calls) and found.pairs
    assert len(found.gateway.latencies) == len(found.rasa.latencies)


async def test_only_one_turn_runs_at_a_time() -> None:
    running = 0
    most = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.001)
        running -= 1
        return httpx.Response(200, json=NAME_QUESTION)

    await run(handler)
    assert most == 1


async def test_a_pair_ends_when_the_bot_answers_the_two_differently() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "rasa.test":
            return httpx.Response(200, json=[{"text": "Kapan kejadiannya?"}])
        return httpx.Response(200, json=NAME_QUESTION)

    found = await run(handler, seconds=0.03)
    assert found.diverged >= 1
    assert len(found.pairs) == found.diverged, "one pair each, then a new conversation"


async def test_an_error_on_either_side_ends_the_pair_without_a_pair_counted() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "rasa.test":
            return httpx.Response(503, json={"error": "down"})
        return httpx.Response(200, json=NAME_QUESTION)

    found = await run(handler, seconds=0.03)
    assert found.pairs == []
    assert found.rasa.errors["http 503"] >= 1

"""The load benchmark's customers: what counts as an error, and which turns are timed."""

from __future__ import annotations

import json
import time
from collections import Counter

import httpx
import pytest

from benchmarks.customers import LATE_NOTICE, Tally, Target, customer_loop, send

TARGET = Target("gateway", "http://gateway.test")
RASA = Target("rasa", "http://rasa.test", metadata={"channel": "rest"})


def client(handler: httpx.MockTransport) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=handler)


def answering(status: int, body: object) -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: httpx.Response(status, json=body))


async def test_an_answer_is_returned_and_its_latency_tallied() -> None:
    tally = Tally()
    async with client(answering(200, [{"text": "Siapa nama lengkap Anda?"}])) as http:
        answer = await send(http, TARGET, "bench-1", "halo", tally)
    assert answer == [{"text": "Siapa nama lengkap Anda?"}]
    assert len(tally.latencies) == 1 and not tally.errors


async def test_rasa_direct_gets_the_channel_in_the_metadata_as_the_gateway_sends_it() -> None:
    seen: list[dict[str, object]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        return httpx.Response(200, json=[{"text": "ok"}])

    async with client(httpx.MockTransport(handler)) as http:
        await send(http, RASA, "bench-1", "halo", Tally())
    assert seen == [{"sender": "bench-1", "message": "halo", "metadata": {"channel": "rest"}}]
    assert RASA.webhook == "http://rasa.test/webhooks/rest/webhook"


@pytest.mark.parametrize(
    ("status", "body", "kind"),
    [
        (429, {"error": "rate_limited"}, "http 429"),
        (500, {"error": "boom"}, "http 500"),
        (200, [], "empty answer"),
        (200, {"not": "a list"}, "empty answer"),
        (
            200,
            [{"text": f"Pesan Anda sudah kami terima. {LATE_NOTICE}."}],
            "late (the answer follows)",
        ),
    ],
)
async def test_a_turn_without_a_proper_answer_is_an_error_of_its_kind_and_not_timed(
    status: int, body: object, kind: str
) -> None:
    tally = Tally()
    async with client(answering(status, body)) as http:
        assert await send(http, TARGET, "bench-1", "halo", tally) is None
    assert tally.errors == Counter({kind: 1})
    assert tally.latencies == []
    assert tally.error_samples[0].startswith(kind)


async def test_a_timeout_and_a_refused_connection_are_errors() -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("too slow", request=request)

    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    tally = Tally()
    for handler in (slow, refused):
        async with client(httpx.MockTransport(handler)) as http:
            assert await send(http, TARGET, "bench-1", "halo", tally) is None
    assert tally.errors == Counter({"timeout": 1, "connection": 1})


async def test_a_customer_starts_a_new_conversation_after_an_error_until_the_deadline() -> None:
    senders: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        senders.append(json.loads(request.content)["sender"])
        return httpx.Response(503, json={"error": "down"})

    tally = Tally()
    async with client(httpx.MockTransport(handler)) as http:
        await customer_loop(http, TARGET, 0, "t", time.monotonic() + 0.05, 0.0, tally)
    assert len(senders) == len(set(senders)) >= 2, "one message per conversation, new ids"
    assert all(sender.startswith("bench-gateway-t-0-") for sender in senders)
    assert tally.errors["http 503"] == len(senders)


async def test_turns_and_errors_outside_the_measured_window_are_not_counted() -> None:
    later = Tally(since=time.monotonic() + 60)
    async with client(answering(200, [{"text": "ok"}])) as http:
        assert await send(http, TARGET, "bench-1", "halo", later) == [{"text": "ok"}]
    async with client(answering(500, {"error": "boom"})) as http:
        assert await send(http, TARGET, "bench-1", "halo", later) is None
    assert later.latencies == [] and not later.errors

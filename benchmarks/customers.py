"""The load benchmark's customers: each sends its conversation's messages to one target.

A customer sends its next message as soon as it has the answer to the last one; a turn's
time is tallied when it ends in the measured window, and a turn without a proper answer
(an error status, no answer, a timeout, the gateway's "the answer follows" notice) is an
error of its kind instead.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

from benchmarks.intake_flow import PERSONAS, Customer, texts

# The gateway's notice when the bot did not answer within REST_WAIT_SECONDS
# (backend/services/turn_notices.yml): the answer follows at the pull endpoint.
LATE_NOTICE = "jawabannya akan kami kirim sebentar lagi"
SAMPLES_KEPT = 5


@dataclass(frozen=True)
class Target:
    """Where the customers send their messages."""

    name: str  # "gateway" | "rasa"
    url: str
    metadata: dict[str, Any] | None = None

    @property
    def webhook(self) -> str:
        return f"{self.url.rstrip('/')}/webhooks/rest/webhook"


@dataclass
class Tally:
    """What the customers of one phase saw."""

    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    finished: int = 0
    lost: int = 0
    lost_on: list[str] = field(default_factory=list)
    error_samples: list[str] = field(default_factory=list)
    transcript: list[str] = field(default_factory=list)  # the first finished conversation
    # The measured window (time.monotonic()): what ends outside it is not counted.
    since: float = -math.inf
    until: float = math.inf

    def counts(self, moment: float) -> bool:
        return self.since <= moment <= self.until

    def error(self, kind: str, detail: str) -> None:
        if not self.counts(time.monotonic()):
            return
        self.errors[kind] += 1
        if len(self.error_samples) < SAMPLES_KEPT:
            self.error_samples.append(f"{kind}: {detail[:200]}")


async def customer_loop(
    client: httpx.AsyncClient,
    target: Target,
    number: int,
    tag: str,
    deadline: float,
    think: float,
    tally: Tally,
) -> None:
    """One customer: conversation after conversation until the deadline; no new message after."""
    conversation = 0
    while time.monotonic() < deadline:
        conversation += 1
        customer = Customer(PERSONAS[(number + conversation) % len(PERSONAS)])
        sender = f"bench-{target.name}-{tag}-{number}-{conversation}"
        message: str | None = customer.opening()
        transcript: list[str] = []
        while message is not None and time.monotonic() < deadline:
            answer = await send(client, target, sender, message, tally)
            if answer is None:
                break  # an error: the conversation's state is unknown, start a new one
            transcript += [f"> {message}", *(f"< {line}" for line in texts(answer).splitlines())]
            message = customer.reply(answer)
            if message is not None and think > 0:
                await asyncio.sleep(think)
        if not tally.counts(time.monotonic()):
            continue
        if customer.outcome == "finished":
            tally.finished += 1
            tally.transcript = tally.transcript or transcript
        elif customer.outcome == "lost":
            tally.lost += 1
            if len(tally.lost_on) < SAMPLES_KEPT:
                tally.lost_on.append(customer.lost_on)


async def send(
    client: httpx.AsyncClient, target: Target, sender: str, message: str, tally: Tally
) -> list[dict[str, Any]] | None:
    """One turn: the bot's answer, its latency tallied; None (and an error tallied) otherwise."""
    body: dict[str, Any] = {"sender": sender, "message": message}
    if target.metadata:
        body["metadata"] = target.metadata
    began = time.perf_counter()
    try:
        response = await client.post(target.webhook, json=body)
    except httpx.TimeoutException:
        tally.error("timeout", f"{message!r} after {time.perf_counter() - began:.1f}s")
        return None
    except httpx.HTTPError as exc:
        tally.error("connection", f"{exc.__class__.__name__}: {exc}")
        return None
    elapsed = time.perf_counter() - began
    if response.status_code != 200:
        tally.error(f"http {response.status_code}", response.text)
        return None
    try:
        answer = response.json()
    except ValueError:
        tally.error("not json", response.text)
        return None
    if not isinstance(answer, list) or not answer:
        tally.error("empty answer", f"{message!r} → {response.text}")
        return None
    if LATE_NOTICE in texts(answer):
        tally.error("late (the answer follows)", f"{message!r} after {elapsed:.1f}s")
        return None
    if tally.counts(time.monotonic()):
        tally.latencies.append(elapsed)
    return answer

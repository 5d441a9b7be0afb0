"""One user, both targets, turn by turn: what the gateway adds to each step of a conversation.

Two customers of the same persona hold the same conversation, one through the gateway and
one with Rasa direct, one message at a time: the same step goes to one target and then
to the other (the order swapped at each step), so only one turn is ever running. Each
step's two turn times make a pair. The machine's speed drifts within minutes, and a
step's cost depends on where the conversation is (a greeting is cheap, the form's last
question is not); a pair shares both, so their ratio is what the gateway adds, with
neither in it. A pair of conversations ends when either does, or when their customers'
next messages differ (the bot answered them differently); a new pair then starts.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import httpx

from backend.domain.register_number import REGISTER_NUMBER_PATTERN
from benchmarks.customers import Tally, Target, send
from benchmarks.intake_flow import PERSONAS, Customer

S = TypeVar("S")


@dataclass
class PairedTally:
    """What the paired customers saw: each target's tally, the pairs of turn times."""

    gateway: Tally
    rasa: Tally
    pairs: list[tuple[float, float]] = field(default_factory=list)  # (gateway, rasa) seconds
    diverged: int = 0  # pairs of conversations ended because the next messages differed


async def paired_customers(
    client: httpx.AsyncClient,
    gateway: Target,
    rasa: Target,
    tag: str,
    deadline: float,
    tally: PairedTally,
) -> None:
    """Pairs of conversations, step by step, until the deadline; no new message after."""
    conversation = 0
    while time.monotonic() < deadline:
        conversation += 1
        persona = PERSONAS[conversation % len(PERSONAS)]
        sides = [
            _Side(target, side, Customer(persona), f"bench-{target.name}-{tag}-p-{conversation}")
            for target, side in ((gateway, tally.gateway), (rasa, tally.rasa))
        ]
        for side in sides:
            side.message = side.customer.opening()
        step = 0
        while all(side.message is not None for side in sides) and time.monotonic() < deadline:
            for side in sides if step % 2 == 0 else sides[::-1]:
                if not await side.turn(client):
                    break
            else:
                gateway_time, rasa_time = (side.timed for side in sides)
                if gateway_time is not None and rasa_time is not None:
                    tally.pairs.append((gateway_time, rasa_time))
                step += 1
                if _step_of(sides[0].message) == _step_of(sides[1].message):
                    continue
                tally.diverged += 1
            break  # an error (the states are unknown) or a divergence: start a new pair
        for side in sides:
            side.close()


@dataclass
class _Side:
    """One of the pair: its target, tally, customer, sender and where it is."""

    target: Target
    tally: Tally
    customer: Customer
    sender: str
    message: str | None = None
    timed: float | None = None  # the last turn's time, if tallied (in the measured window)

    async def turn(self, client: httpx.AsyncClient) -> bool:
        """Send the message and take the customer's reply; False on an error."""
        if self.message is None:
            raise RuntimeError("the conversation is over")
        tallied = len(self.tally.latencies)
        answer = await send(client, self.target, self.sender, self.message, self.tally)
        if answer is None:
            return False
        self.timed = self.tally.latencies[-1] if len(self.tally.latencies) > tallied else None
        self.message = self.customer.reply(answer)
        return True

    def close(self) -> None:
        """Tally how the conversation ended, when it ended in the measured window."""
        if self.message is not None or not self.tally.counts(time.monotonic()):
            return
        if self.customer.outcome == "finished":
            self.tally.finished += 1
        elif self.customer.outcome == "lost":
            self.tally.lost += 1


def _step_of(message: str | None) -> str | None:
    """A message with its register number left out (each conversation has its own case)."""
    return None if message is None else re.sub(REGISTER_NUMBER_PATTERN, "#", message)


async def drive_paired(
    gateway: Target,
    rasa: Target,
    warmup: float,
    seconds: float,
    timeout: float,
    snapshot: Callable[[], S],
) -> tuple[PairedTally, S, S]:
    """The paired customers: `warmup` seconds, then `seconds` measured; snapshots at both
    ends (as `load.drive`, with one pair of customers)."""
    tag = secrets.token_hex(3)
    async with httpx.AsyncClient(timeout=httpx.Timeout(timeout, connect=10.0)) as client:
        began = time.monotonic()
        since, until = began + warmup, began + warmup + seconds
        tally = PairedTally(Tally(since=since, until=until), Tally(since=since, until=until))
        customers = asyncio.create_task(paired_customers(client, gateway, rasa, tag, until, tally))
        await asyncio.sleep(max(0.0, since - time.monotonic()))
        first = snapshot()
        await asyncio.sleep(max(0.0, until - time.monotonic()))
        last = snapshot()
        await customers
        return tally, first, last

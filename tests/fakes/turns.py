"""Conversations for turn-queue tests: messages stored first, then a notice; a handler that
works through a conversation's waiting messages oldest first, as the app's turn handler does.

It records what the queue must guarantee: the order of each conversation's messages, and
whether two turns of one conversation ever overlapped.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from backend.queues import InProcessTurnQueue
from backend.services.ports import TurnQueue


async def until(condition: Callable[[], bool], *, timeout: float = 5.0, what: str = "") -> None:
    """Wait until `condition()` holds; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what or condition}")
        await asyncio.sleep(0.005)


@dataclass
class Turn:
    conversation_id: str
    started: float
    messages: list[str] = field(default_factory=list)


@dataclass
class Conversations:
    """The messages of every conversation: said, waiting, handled; and the turns that ran."""

    turn_seconds: float = 0.01  # each message takes this long to answer
    said: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    waiting: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    handled: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    turns: list[Turn] = field(default_factory=list)
    running: set[str] = field(default_factory=set)
    overlaps: list[str] = field(default_factory=list)  # conversations whose turns overlapped
    most_at_once: int = 0

    async def say(self, queue: TurnQueue, conversation_id: str, text: str) -> None:
        """Store the message, then notify the queue (the app's order)."""
        self.said[conversation_id].append(text)
        self.waiting[conversation_id].append(text)
        await queue.enqueue(conversation_id)

    async def say_first(self, queue: InProcessTurnQueue, conversation_id: str, text: str) -> bool:
        """The intake's way: hold the conversation's run and begin this message's turn at
        once when nothing else of it waits (True); else store it and notify the queue."""
        claim = queue.claim(conversation_id)
        self.said[conversation_id].append(text)
        if claim is not None and not self.waiting[conversation_id]:
            claim.start(partial(self.answer_one, conversation_id, text))
            return True
        self.waiting[conversation_id].append(text)
        if claim is not None:
            claim.release()
        await queue.enqueue(conversation_id)
        return False

    async def answer_one(self, conversation_id: str, text: str) -> None:
        """A claimed turn: answer the one message whose turn began as it was stored."""
        self._enter(conversation_id)
        turn = Turn(conversation_id, time.monotonic())
        self.turns.append(turn)
        try:
            await asyncio.sleep(self.turn_seconds)
            turn.messages.append(text)
            self.handled[conversation_id].append(text)
        finally:
            self.running.discard(conversation_id)

    def _enter(self, conversation_id: str) -> None:
        if conversation_id in self.running:
            self.overlaps.append(conversation_id)
        self.running.add(conversation_id)
        self.most_at_once = max(self.most_at_once, len(self.running))

    async def handle(self, conversation_id: str) -> None:
        """The turn handler: answer every waiting message of the conversation, oldest first."""
        self._enter(conversation_id)
        turn = Turn(conversation_id, time.monotonic())
        self.turns.append(turn)
        try:
            while self.waiting[conversation_id]:
                text = self.waiting[conversation_id].pop(0)
                await asyncio.sleep(self.turn_seconds)
                turn.messages.append(text)
                self.handled[conversation_id].append(text)
        finally:
            self.running.discard(conversation_id)

    def turns_of(self, conversation_id: str) -> list[Turn]:
        return [turn for turn in self.turns if turn.conversation_id == conversation_id]

    def all_handled(self) -> bool:
        return not self.running and all(
            self.handled[conversation] == said for conversation, said in self.said.items()
        )

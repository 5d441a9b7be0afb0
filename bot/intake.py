"""The gateway's intake: a user message is stored, then a worker gives it its turn.

`take` stores the message (once per external id) and notifies the turn queue; the
channels answer their platform right after. `answer` (the REST channel) also waits for
the turn to end and returns what the bot said, or the notice that the answer follows.

When this process runs turns (`run_turns_here`) and the queue lets it hold a conversation
that has no run (`TurnQueue.claim`: the in-process queue does), the message's try begins
in the transaction that stores it and its turn starts at once, with no trip through the
queue; anything else of that conversation goes through the queue after it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from backend.services import inbox
from backend.services.chat_events import CHATS_TOPIC, chat_topic, message_event
from backend.services.inbox import TakenIn, TurnOutcome
from backend.services.message_views import MessageView
from backend.services.ports import EventBus, Subscription, TurnClaim, TurnQueue
from backend.services.turns import Turns
from backend.services.unit_of_work import Sessions
from bot.inbound import Inbound
from bot.masking import mask_digits

log = logging.getLogger(__name__)

# Without word from the bus, the turn's outcome is read from the database after 2 s, then
# after 4 s and every 8 s: only a lost event needs it (a Redis connection that broke), and
# under load every waiting caller polling each second cost more than the turns themselves.
# A turn run here at once publishes its end on this process's hub, which the caller's
# subscription hears without Redis: its first read waits LONGEST_POLL_SECONDS, as a
# safety net only (on a slow, busy machine many turns take over 2 s, and each read costs).
FIRST_POLL_SECONDS = 2.0
LONGEST_POLL_SECONDS = 8.0


@dataclass(frozen=True)
class Conversed:
    """The bot's answers to a REST message, and whether that message opened the chat."""

    answers: list[dict[str, Any]]
    opened: bool


class Intake:
    """Takes user messages in for every channel."""

    def __init__(
        self,
        sessions: Sessions,
        queue: TurnQueue,
        bus: EventBus,
        clock: Callable[[], datetime],
        *,
        wait_seconds: float,
    ) -> None:
        self._sessions = sessions
        self._queue = queue
        self._bus = bus
        self._clock = clock
        self.wait_seconds = wait_seconds
        self._turns: Turns | None = None
        self._taking: set[asyncio.Task[TakenIn]] = set()

    def run_turns_here(self, turns: Turns) -> None:
        """This process runs turns: begin a message's turn as it is stored, when it may."""
        self._turns = turns

    async def take(
        self,
        inbound: Inbound,
        *,
        external_id: str | None = None,
        sent_at: datetime | None = None,
    ) -> TakenIn:
        """Store the message and start or queue its turn; a duplicate external id stores
        nothing. Once begun, the storing goes to its end even if the caller goes away.

        ChannelMismatch when the conversation belongs to another channel.
        """
        taking = asyncio.create_task(self._take(inbound, external_id, sent_at))
        self._taking.add(taking)
        taking.add_done_callback(self._taken)
        return await asyncio.shield(taking)

    def _taken(self, taking: asyncio.Task[TakenIn]) -> None:
        self._taking.discard(taking)
        if not taking.cancelled():
            taking.exception()  # seen here too: its caller may have left before it ended

    async def _take(
        self, inbound: Inbound, external_id: str | None, sent_at: datetime | None
    ) -> TakenIn:
        conversation_id = inbound.conversation_id
        claim = self._claim(conversation_id)
        try:
            taken = await self._sessions.run(
                inbox.take_in,
                conversation_id,
                inbound.channel,
                inbound.text,
                inbound.metadata or None,
                external_id=external_id,
                sent_at=sent_at,
                now=self._clock(),
                platform_title=inbound.title,
                begin_try=claim is not None,
            )
        except BaseException:
            if claim is not None:
                claim.release()
            raise
        if claim is not None and taken.turn is not None and self._turns is not None:
            claim.start(partial(self._turns.answer_taken, taken.turn))
        elif claim is not None:
            claim.release()
        if taken.fresh:
            if taken.turn is None:
                await self.notify(conversation_id)
            if taken.message_id is not None:
                await self._announce(conversation_id, taken.message_id)
        return taken

    def _claim(self, conversation_id: str) -> TurnClaim | None:
        """The conversation's run, held for the turn of the message about to be stored."""
        return None if self._turns is None else self._queue.claim(conversation_id)

    async def _announce(self, conversation_id: str, message_id: int) -> None:
        """Wake the console's live views on every replica (they read the database)."""
        event = message_event(message_id)
        for topic in (chat_topic(conversation_id), CHATS_TOPIC):
            try:
                await self._bus.publish(topic, event)
            except Exception:  # the views poll the database anyway
                log.warning("intake: %s not announced", mask_digits(conversation_id))

    async def notify(self, conversation_id: str) -> None:
        """Tell the workers; if the queue is unreachable the sweep finds the message later."""
        try:
            await self._queue.enqueue(conversation_id)
        except Exception:
            log.exception("intake: turn of %s not queued now", mask_digits(conversation_id))

    async def answer(self, inbound: Inbound) -> list[dict[str, Any]]:
        """Store the message, wait for its turn, return the bot's answers in the REST shape.

        While an agent holds the chat the answer is `[]`. After `wait_seconds` without an
        answer, or when the bot is down, the answer is the notice that it follows (the
        REST pull endpoint then has it).
        """
        return (await self.converse(inbound)).answers

    async def converse(self, inbound: Inbound) -> Conversed:
        """`answer`, also saying whether this message opened the conversation."""
        subscription = self._bus.subscribe(chat_topic(inbound.conversation_id))
        try:
            taken = await self.take(inbound)
            if taken.message_id is None:
                return Conversed([], opened=False)
            here = taken.turn is not None and self._turns is not None  # begun at once, here
            shown = await self._wait(
                inbound.conversation_id,
                taken.message_id,
                subscription,
                taken.behind_late,
                first_poll=LONGEST_POLL_SECONDS if here else FIRST_POLL_SECONDS,
            )
        finally:
            subscription.close()
        answers = [{"recipient_id": inbound.conversation_id, **fields} for fields in shown]
        return Conversed(answers, opened=taken.opened)

    async def _wait(
        self,
        conversation_id: str,
        message_id: int,
        subscription: Subscription,
        behind_late: bool,
        *,
        first_poll: float = FIRST_POLL_SECONDS,
    ) -> list[dict[str, Any]]:
        """The REST fields of the turn's answers once it ended: from the bus event that says
        so, or read when a turn of the conversation ended (or, without word, after
        `first_poll` seconds, then twice that, up to every 8 s); else, after `wait_seconds`
        or at once behind a late message (the bot is down and the customer was told), the
        message becomes late (the notice, if any)."""
        deadline = time.monotonic() + self.wait_seconds
        poll = first_poll
        next_poll = time.monotonic() + poll
        while not behind_late:
            now = time.monotonic()
            left = deadline - now
            if left <= 0:
                break
            try:
                event = await subscription.next(timeout=max(0.0, min(next_poll - now, left)))
            except asyncio.CancelledError:
                raise
            except Exception:  # the bus is down: the database poll goes on
                await asyncio.sleep(max(0.0, min(next_poll - now, left)))
                event = None
            if event is None:  # the poll is due (or the subscription ended: wait for it)
                early = min(next_poll, deadline) - time.monotonic()
                if early > 0:
                    await asyncio.sleep(early)
                poll = min(poll * 2, LONGEST_POLL_SECONDS)
                next_poll = time.monotonic() + poll
            if event is not None and event.get("type") != "turn":
                continue  # a message stored (this one, announced), answers for the widget
            answers = _answers_in(event, message_id)
            if answers is not None:
                return answers  # recorded before the event was published
            outcome = await self._outcome(message_id)
            if outcome is None or outcome.state != "queued":
                return _fields(outcome)
            if outcome.behind_late:
                break
        async with self._sessions.session() as session:
            outcome = await inbox.stop_waiting(session, conversation_id, message_id, self._clock())
        return _fields(outcome)

    async def _outcome(self, message_id: int) -> TurnOutcome | None:
        async with self._sessions.session() as session:
            return await inbox.turn_outcome(session, message_id)


def _answers_in(event: dict[str, Any] | None, message_id: int) -> list[dict[str, Any]] | None:
    """The answers a `done` turn event of this message carries; None if it is not one."""
    if event is None or event.get("message_id") != message_id or event.get("state") != "done":
        return None
    answers = event.get("answers")
    if not isinstance(answers, list) or not all(isinstance(a, dict) for a in answers):
        return None
    return answers


def _fields(outcome: TurnOutcome | None) -> list[dict[str, Any]]:
    """The REST fields of the answers recorded for a turn."""
    if outcome is None:
        return []
    return [MessageView.of(message).rest_fields() for message in outcome.answers]

"""The worker's use case: answer a conversation's waiting messages, one turn at a time.

A turn queue (`TurnQueue`) calls `Turns.run(conversation_id)` with at most one run per
conversation at a time across the cluster. Each waiting message, oldest first, goes to the
bot; its answers are recorded with outbox entries in the same transaction that marks the
message answered. While the bot is down the message stays waiting, the customer is told
once that the answer comes shortly, and the run asks to be retried (`RetryLater`). A try
that died half-way (a worker killed) is detected by its attempt count: the bot is asked
what it already answered before the message is sent again, so nothing is answered twice.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import inbox_repository, repository
from backend.db.tables import Conversation, Message
from backend.domain.personal_data import mask_digits
from backend.services.chat_events import CHATS_TOPIC, chat_topic, turn_event
from backend.services.handoff import PUSHED
from backend.services.outbox import PUSH_CHANNELS, Dispatcher, queue_push, record_answers
from backend.services.ports import Answer, AssistantUnavailable, EventBus, Responder, RetryLater
from backend.services.unit_of_work import Sessions

log = logging.getLogger(__name__)

NOTICES = Path(__file__).with_name("turn_notices.yml")
FIRST_RETRY_SECONDS = 0.5
LAST_RETRY_SECONDS = 5.0
WAITING = ("queued", "late")

AfterTurn = Callable[[str], Awaitable[None]]


@cache
def _notices() -> dict[str, Any]:
    loaded = yaml.safe_load(NOTICES.read_text(encoding="utf-8"))
    return loaded if isinstance(loaded, dict) else {}


def delayed_notice(language: str | None) -> str:
    """'Your answer comes shortly', in the conversation's language (Indonesian by default)."""
    texts = _notices()["answer_delayed"]
    return str(texts.get(language or "id") or texts["id"])


def retry_after(attempts: int) -> float:
    """Seconds before the bot is asked again after `attempts` tries: 0.5, 1, 2, 4, 5 …"""
    return float(min(LAST_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** max(0, attempts - 1)))


async def answer_later(
    session: AsyncSession, conversation: Conversation, message_id: int, now: datetime
) -> Message | None:
    """Mark a queued message late and tell the customer once that the answer follows.

    Returns the notice when this call recorded one; None when the message was no longer
    queued (answered meanwhile, or already late) or an earlier message already had one.
    The caller commits.
    """
    if not await inbox_repository.change_state(session, message_id, "late", only_from=("queued",)):
        return None
    if await inbox_repository.is_late_before(session, conversation.id, message_id):
        return None
    text = delayed_notice(conversation.language)
    notice = Message(
        conversation_id=conversation.id,
        sender="bot",
        text=text,
        payload={"text": text},
        created_at=now,
        reply_to=message_id,
    )
    repository.add_message(session, notice)
    await session.flush()
    queue_push(session, notice, conversation.channel, now)
    return notice


@dataclass(frozen=True)
class TurnTry:
    """A user message on its way to the bot, with what its turn needs."""

    conversation_id: str
    channel: str
    message_id: int
    text: str
    payload: dict[str, Any]
    earlier_attempts: int = 0  # tries of it that began before this one (and never ended)

    def metadata(self) -> dict[str, Any]:
        """What the bot gets with the text: the stored payload, the channel, the message id."""
        return {**self.payload, "channel": self.channel, "message_id": self.message_id}


@dataclass(frozen=True)
class NextTry:
    """A conversation's oldest waiting message, as `begin_try` found it."""

    turn: TurnTry
    handled_by: str
    # Set when an earlier try did not end and may still be with the bot until then: no
    # try began now.
    alive_until: datetime | None = None


def begin_try(
    connection: Connection, conversation_id: str, now: datetime, try_lifetime: timedelta
) -> NextTry | None:
    """Begin a try of the conversation's oldest waiting message (a unit of work for
    `Sessions.run`); None when nothing waits.

    An earlier try that never ended (its worker died) begins no new one while it may still
    be alive (`try_lifetime` after it began): the result says until when.
    """
    waiting = inbox_repository.next_turn(connection, conversation_id)
    if waiting is None:
        return None
    turn = TurnTry(
        conversation_id,
        waiting.channel,
        waiting.message_id,
        waiting.text,
        waiting.payload,
        waiting.attempts,
    )
    cut_short = waiting.try_started_at
    if waiting.handled_by != "agent" and cut_short is not None:
        alive_until = cut_short + try_lifetime
        if now < alive_until:
            return NextTry(turn, waiting.handled_by, alive_until)
    inbox_repository.start_try(connection, waiting.message_id, now)
    connection.commit()
    return NextTry(turn, waiting.handled_by)


@dataclass(frozen=True)
class RecordedTurn:
    """A turn's answers, recorded."""

    inline: bool  # its caller still waits for them (the message was not late)
    shown: list[dict[str, Any]]  # as recorded, in Rasa's REST fields
    more: bool  # another message of the conversation waits


def record_turn(
    connection: Connection,
    conversation_id: str,
    channel: str,
    message_id: int,
    answers: list[Answer],
    now: datetime,
) -> RecordedTurn | None:
    """Record the bot's answers and the message done (a unit of work for `Sessions.run`);
    None if the message no longer waited."""
    answered = inbox_repository.mark_answered(connection, conversation_id, message_id, now)
    if answered is None:
        connection.rollback()
        return None
    shown = record_answers(
        connection,
        conversation_id,
        channel,
        answers,
        now=now,
        reply_to=message_id,
        extra=None if answered.inline else {PUSHED: True},
    )
    connection.commit()
    return RecordedTurn(answered.inline, shown, answered.more)


class Turns:
    """Runs the turns of conversations; `run` is the turn queue's handler."""

    def __init__(
        self,
        sessions: Sessions,
        responder: Responder,
        dispatcher: Dispatcher,
        bus: EventBus,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        *,
        after_turn: AfterTurn | None = None,
        try_lifetime: timedelta = timedelta(seconds=100),
    ) -> None:
        self._sessions = sessions
        self._try_lifetime = try_lifetime
        self._responder = responder
        self._dispatcher = dispatcher
        self._bus = bus
        self._clock = clock
        self._after_turn = after_turn

    async def run(self, conversation_id: str) -> None:
        """Answer every waiting message of the conversation, oldest first."""
        while True:
            found = await self._sessions.run(
                begin_try, conversation_id, self._clock(), self._try_lifetime
            )
            if found is None:
                return
            turn = found.turn
            if found.alive_until is not None:
                # A worker died while its try was with the bot: that request may still
                # be queued in Rasa behind the conversation's lock. Sending again now
                # would have the message read twice; wait until it cannot be alive.
                await self._await_cut_short(turn, found.alive_until)
                continue
            more = True
            if found.handled_by == "agent":
                await self._keep_for_agent(turn)
            else:
                more = await self._finish(turn, await self._ask(turn))
            if self._after_turn is not None:
                await self._after_turn(conversation_id)
            if not more:
                # A message taken in after the answers were committed notifies the queue,
                # which runs the conversation once more.
                return

    async def answer_taken(self, turn: TurnTry) -> None:
        """The turn of a message whose try began as it was taken in (`take_in` with
        `begin_try`), while its conversation's run is held for it (the queue's claim):
        messages that came meanwhile notified the queue, which runs them after this."""
        await self._finish(turn, await self._ask(turn))
        if self._after_turn is not None:
            await self._after_turn(turn.conversation_id)

    async def stale(self, older_than: timedelta, limit: int = 500) -> list[str]:
        """Conversations with a message waiting longer than `older_than` (a lost notice)."""
        async with self._sessions.session() as session:
            return await inbox_repository.waiting_conversations(
                session, self._clock() - older_than, limit
            )

    async def _ask(self, turn: TurnTry) -> list[Answer]:
        try:
            if turn.earlier_attempts > 0:  # an earlier try did not end: did the bot answer?
                given = await self._responder.answers_given(turn.conversation_id, turn.message_id)
                if given is not None:
                    return given
            return await self._responder.answer(turn.conversation_id, turn.text, turn.metadata())
        except AssistantUnavailable as exc:
            async with self._sessions.session() as session:
                await inbox_repository.end_try(session, turn.message_id)  # the request is over
                await session.commit()
            await self._tell_later(turn.conversation_id, turn.message_id)
            raise RetryLater(retry_after(turn.earlier_attempts + 1), str(exc)) from exc

    async def _await_cut_short(self, turn: TurnTry, until: datetime) -> None:
        """Take the cut-short try's answers if the bot gave them, else retry after `until`."""
        try:
            given = await self._responder.answers_given(turn.conversation_id, turn.message_id)
        except AssistantUnavailable:
            given = None
        if given is not None:
            await self._finish(turn, given)
            return
        await self._tell_later(turn.conversation_id, turn.message_id)
        wait = max(0.5, (until - self._clock()).total_seconds())
        raise RetryLater(min(wait, LAST_RETRY_SECONDS), "an earlier try may still be with the bot")

    async def _tell_later(self, conversation_id: str, message_id: int) -> None:
        async with self._sessions.session() as session:
            conversation = await repository.get_conversation(session, conversation_id)
            notice = None
            if conversation is not None:
                notice = await answer_later(session, conversation, message_id, self._clock())
                await session.commit()
        if notice is not None:
            log.warning("turns: the bot is down; %s told to wait", self._who(conversation_id))
        await self._publish(conversation_id, turn_event(message_id, "late"))
        self._dispatcher.kick(conversation_id)

    async def _finish(self, turn: TurnTry, answers: list[Answer]) -> bool:
        """Record the answers, the message done; whether another message waits (read in
        the same transaction)."""
        conversation_id, message_id = turn.conversation_id, turn.message_id
        recorded = await self._sessions.run(
            record_turn, conversation_id, turn.channel, message_id, answers, self._clock()
        )
        if recorded is None:
            return True  # answered already (cannot happen while runs are exclusive)
        # Inline answers ride on the event: whoever waits (REST) need not read them back.
        done = turn_event(message_id, "done", recorded.shown if recorded.inline else None)
        await self._publish(conversation_id, done, turn_event(message_id, "done"))
        if answers and turn.channel in PUSH_CHANNELS:
            self._dispatcher.kick(conversation_id)  # REST answers inline, or from its pull
        return recorded.more

    async def _keep_for_agent(self, turn: TurnTry) -> None:
        try:
            await self._responder.keep_user_message(
                turn.conversation_id, turn.text, turn.metadata()
            )
        except AssistantUnavailable as exc:
            # The transcript has it; only the bot's copy misses this message.
            log.warning("turns: message not copied to the paused bot: %s", exc)
        async with self._sessions.session() as session:
            await inbox_repository.change_state(
                session, turn.message_id, "done", only_from=WAITING, answered_at=self._clock()
            )
            await session.commit()
        await self._publish(turn.conversation_id, turn_event(turn.message_id, "done"))

    async def _publish(
        self,
        conversation_id: str,
        event: dict[str, Any],
        for_everyone: dict[str, Any] | None = None,
    ) -> None:
        """The event on the chat's topic, and (or `for_everyone`) on every chat's."""
        try:
            await self._bus.publish(chat_topic(conversation_id), event)
            await self._bus.publish(CHATS_TOPIC, for_everyone or event)
        except Exception:  # listeners catch up from the database
            log.warning("turns: event of %s not published", self._who(conversation_id))

    @staticmethod
    def _who(conversation_id: str) -> str:
        return mask_digits(conversation_id)

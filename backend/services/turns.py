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
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from backend.db import inbox_repository, repository
from backend.db.delivery_tables import InboxEntry
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
class NextTry:
    """A conversation's oldest waiting message, as `begin_try` found it."""

    entry: InboxEntry  # as read before this try began (`attempts` counts the earlier ones)
    message: Message
    conversation: Conversation
    # Set when an earlier try did not end and may still be with the bot until then: no
    # try began now.
    alive_until: datetime | None = None


def begin_try(
    session: Session, conversation_id: str, now: datetime, try_lifetime: timedelta
) -> NextTry | None:
    """Begin a try of the conversation's oldest waiting message (a unit of work for
    `Sessions.run`); None when nothing waits.

    An earlier try that never ended (its worker died) begins no new one while it may still
    be alive (`try_lifetime` after it began): the result says until when.
    """
    found = inbox_repository.next_turn(session, conversation_id)
    if found is None:
        return None
    entry, message, conversation = found
    cut_short = entry.try_started_at
    if conversation.handled_by != "agent" and cut_short is not None:
        alive_until = cut_short + try_lifetime
        if now < alive_until:
            return NextTry(entry, message, conversation, alive_until)
    inbox_repository.start_try(session, entry.message_id, now)
    session.commit()
    return NextTry(entry, message, conversation)


@dataclass(frozen=True)
class RecordedTurn:
    """A turn's answers, recorded."""

    inline: bool  # its caller still waits for them (the message was not late)
    shown: list[dict[str, Any]]  # as recorded, in Rasa's REST fields
    more: bool  # another message of the conversation waits


def record_turn(
    session: Session,
    conversation_id: str,
    channel: str,
    message_id: int,
    answers: list[Answer],
    now: datetime,
) -> RecordedTurn | None:
    """Record the bot's answers and the message done (a unit of work for `Sessions.run`);
    None if the message no longer waited."""
    answered = inbox_repository.mark_answered(session, conversation_id, message_id, now)
    if answered is None:
        session.rollback()
        return None
    shown = record_answers(
        session,
        conversation_id,
        channel,
        answers,
        now=now,
        reply_to=message_id,
        extra=None if answered.inline else {PUSHED: True},
    )
    session.commit()
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
            entry, message, conversation = found.entry, found.message, found.conversation
            if found.alive_until is not None:
                # A worker died while its try was with the bot: that request may still
                # be queued in Rasa behind the conversation's lock. Sending again now
                # would have the message read twice; wait until it cannot be alive.
                await self._await_cut_short(conversation, entry, message, found.alive_until)
                continue
            more = True
            if conversation.handled_by == "agent":
                await self._keep_for_agent(conversation, message)
            else:
                answers = await self._ask(conversation, entry, message)
                more = await self._finish(conversation, entry.message_id, answers)
            if self._after_turn is not None:
                await self._after_turn(conversation_id)
            if not more:
                # A message taken in after the answers were committed notifies the queue,
                # which runs the conversation once more.
                return

    async def stale(self, older_than: timedelta, limit: int = 500) -> list[str]:
        """Conversations with a message waiting longer than `older_than` (a lost notice)."""
        async with self._sessions.session() as session:
            return await inbox_repository.waiting_conversations(
                session, self._clock() - older_than, limit
            )

    async def _ask(
        self, conversation: Conversation, entry: InboxEntry, message: Message
    ) -> list[Answer]:
        payload = message.payload if isinstance(message.payload, dict) else {}
        metadata: Mapping[str, Any] = {
            **payload,
            "channel": conversation.channel,
            "message_id": message.id,
        }
        try:
            if entry.attempts > 0:  # an earlier try did not finish: did the bot answer it?
                given = await self._responder.answers_given(conversation.id, message.id)
                if given is not None:
                    return given
            return await self._responder.answer(conversation.id, message.text, metadata)
        except AssistantUnavailable as exc:
            async with self._sessions.session() as session:
                await inbox_repository.end_try(session, message.id)  # the request is over
                await session.commit()
            await self._tell_later(conversation, message.id)
            raise RetryLater(retry_after(entry.attempts + 1), str(exc)) from exc

    async def _await_cut_short(
        self, conversation: Conversation, entry: InboxEntry, message: Message, until: datetime
    ) -> None:
        """Take the cut-short try's answers if the bot gave them, else retry after `until`."""
        try:
            given = await self._responder.answers_given(conversation.id, message.id)
        except AssistantUnavailable:
            given = None
        if given is not None:
            await self._finish(conversation, message.id, given)
            return
        await self._tell_later(conversation, message.id)
        wait = max(0.5, (until - self._clock()).total_seconds())
        raise RetryLater(min(wait, LAST_RETRY_SECONDS), "an earlier try may still be with the bot")

    async def _tell_later(self, conversation: Conversation, message_id: int) -> None:
        async with self._sessions.session() as session:
            fresh = await repository.get_conversation(session, conversation.id)
            notice = await answer_later(session, fresh or conversation, message_id, self._clock())
            await session.commit()
        if notice is not None:
            log.warning("turns: the bot is down; %s told to wait", self._who(conversation.id))
        await self._publish(conversation.id, turn_event(message_id, "late"))
        self._dispatcher.kick(conversation.id)

    async def _finish(
        self, conversation: Conversation, message_id: int, answers: list[Answer]
    ) -> bool:
        """Record the answers, the message done; whether another message waits (read in
        the same transaction)."""
        recorded = await self._sessions.run(
            record_turn, conversation.id, conversation.channel, message_id, answers, self._clock()
        )
        if recorded is None:
            return True  # answered already (cannot happen while runs are exclusive)
        # Inline answers ride on the event: whoever waits (REST) need not read them back.
        done = turn_event(message_id, "done", recorded.shown if recorded.inline else None)
        await self._publish(conversation.id, done, turn_event(message_id, "done"))
        if answers and conversation.channel in PUSH_CHANNELS:
            self._dispatcher.kick(conversation.id)  # REST answers inline, or from its pull
        return recorded.more

    async def _keep_for_agent(self, conversation: Conversation, message: Message) -> None:
        payload = message.payload if isinstance(message.payload, dict) else {}
        metadata = {**payload, "channel": conversation.channel, "message_id": message.id}
        try:
            await self._responder.keep_user_message(conversation.id, message.text, metadata)
        except AssistantUnavailable as exc:
            # The transcript has it; only the bot's copy misses this message.
            log.warning("turns: message not copied to the paused bot: %s", exc)
        async with self._sessions.session() as session:
            await inbox_repository.change_state(
                session, message.id, "done", only_from=WAITING, answered_at=self._clock()
            )
            await session.commit()
        await self._publish(conversation.id, turn_event(message.id, "done"))

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

"""The outbox: bot and agent messages are pushed from the database, retried until sent.

A message to a channel that can push (web, Telegram, WhatsApp) gets an outbox entry in the
transaction that records it. Dispatchers (one per replica) lease a conversation's pending
entries, send them in order through the `Outbox` port, and retry failures with backoff;
what is still unsent after `give_up_after` is marked failed and shown in the console.
REST users fetch their messages instead, so REST gets no entries.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import inbox_repository, outbox_repository
from backend.db.delivery_tables import OutboxEntry
from backend.db.tables import Message
from backend.domain.personal_data import mask_digits
from backend.services.handoff import PUSHED
from backend.services.message_views import MessageView
from backend.services.ports import Answer, DeliveryFailed, Outbox, UnknownChannel
from backend.services.unit_of_work import Sessions

log = logging.getLogger(__name__)

PUSH_CHANNELS = frozenset({"web", "telegram", "whatsapp"})
LEASE = timedelta(seconds=60)
FIRST_RETRY_SECONDS = 1.0
LAST_RETRY_SECONDS = 30.0
SWEEP_SECONDS = 1.0
MAX_ERROR_CHARS = 500


def queue_push(session: AsyncSession, message: Message, channel: str, now: datetime) -> bool:
    """Give a recorded (flushed) message its outbox entry if its channel can push; True if so."""
    if channel not in PUSH_CHANNELS:
        return False
    outbox_repository.add_entry(
        session,
        OutboxEntry(
            message_id=message.id,
            conversation_id=message.conversation_id,
            channel=channel,
            state="pending",
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        ),
    )
    return True


async def record_outgoing(
    session: AsyncSession,
    conversation_id: str,
    channel: str,
    sender: str,
    answer: Answer,
    *,
    now: datetime,
    reply_to: int | None = None,
    extra: dict[str, Any] | None = None,
) -> Message:
    """Record a bot's or agent's message (Rasa's REST shape) and its outbox entry; no commit."""
    payload = {key: value for key, value in answer.items() if key != "recipient_id"}
    payload.update(extra or {})
    text = answer.get("text")
    message = Message(
        conversation_id=conversation_id,
        sender=sender,
        text=text if isinstance(text, str) else "",
        payload=payload,
        created_at=now,
        reply_to=reply_to,
    )
    session.add(message)
    await session.flush()
    queue_push(session, message, channel, now)
    return message


def record_answers(
    connection: Connection,
    conversation_id: str,
    channel: str,
    answers: list[Answer],
    *,
    now: datetime,
    reply_to: int,
    extra: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """`record_outgoing` for a bot's answers to one message (a turn's hot path, in a sync
    unit of work); the answers as recorded, in Rasa's REST shape.

    REST answers are one statement (nothing is pushed, so no id is needed); the answers of
    a channel that pushes are inserted one by one, for their ids, then their outbox entries.
    """
    recorded: list[Message] = []
    for answer in answers:
        payload = {key: value for key, value in answer.items() if key != "recipient_id"}
        payload.update(extra or {})
        text = answer.get("text")
        recorded.append(
            Message(
                conversation_id=conversation_id,
                sender="bot",
                text=text if isinstance(text, str) else "",
                payload=payload,
                created_at=now,
                reply_to=reply_to,
            )
        )
    if channel in PUSH_CHANNELS:
        message_ids = [
            inbox_repository.insert_message(
                connection, conversation_id, "bot", message.text, message.payload, now, reply_to
            )
            for message in recorded
        ]
        outbox_repository.insert_entries(connection, message_ids, conversation_id, channel, now)
    else:
        inbox_repository.insert_messages(
            connection,
            [
                {
                    "conversation_id": conversation_id,
                    "sender": "bot",
                    "text": message.text,
                    "payload": message.payload,
                    "created_at": now,
                    "reply_to": reply_to,
                }
                for message in recorded
            ],
        )
    return [MessageView.of(message).rest_fields() for message in recorded]


def retry_delay(attempts: int) -> float:
    """Seconds before the next try after `attempts` failed ones: 1, 2, 4 … at most 30."""
    return float(min(LAST_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** max(0, attempts - 1)))


async def outgoing(session: AsyncSession, message: Message) -> Answer:
    """The message as the channels send it: Rasa's REST shape plus its id, author and turn."""
    payload = message.payload if isinstance(message.payload, dict) else {}
    answer: dict[str, Any] = {k: v for k, v in payload.items() if k != PUSHED}
    answer.setdefault("text", message.text or None)
    if answer.get("text") is None:
        answer.pop("text")
    answer.update(
        recipient_id=message.conversation_id,
        message_id=message.id,
        sender=message.sender,
        created_at=message.created_at.isoformat(),
    )
    if message.reply_to is not None:
        entry = await inbox_repository.get_entry(session, message.reply_to)
        if entry is not None and entry.external_id is not None:
            answer["reply_to"] = entry.external_id
    return answer


class Dispatcher:
    """Sends what the outbox holds; `kick` after a commit, `run` sweeps for the rest."""

    def __init__(
        self,
        sessions: Sessions,
        outbox: Outbox,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        *,
        give_up_after: timedelta = timedelta(hours=24),
    ) -> None:
        self._sessions = sessions
        self._outbox = outbox
        self._clock = clock
        self._give_up_after = give_up_after
        self._owner = secrets.token_hex(8)
        self._tasks: set[asyncio.Task[int]] = set()

    def kick(self, conversation_id: str) -> None:
        """Send the conversation's pending messages now, in the background."""
        task = asyncio.create_task(self._dispatch_logged(conversation_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def dispatch(self, conversation_id: str) -> int:
        """Send the conversation's due messages in order, stopping at the first failure.

        Another dispatcher holding the conversation's oldest pending message keeps the
        turn: this one leaves the rest to it (or to the next sweep), so the order holds.
        """
        sent = 0
        for _ in range(10):  # new messages may arrive while these go out
            done, complete = await self._dispatch_once(conversation_id)
            sent += done
            if not done or not complete:
                break
        return sent

    async def _dispatch_once(self, conversation_id: str) -> tuple[int, bool]:
        now = self._clock()
        owner = f"{self._owner}-{secrets.token_hex(4)}"  # each send holds its own lease
        async with self._sessions.session() as session:
            if not await outbox_repository.lease(session, conversation_id, owner, now, now + LEASE):
                await session.rollback()
                return 0, False
            await session.commit()
            sent, complete = 0, True
            try:
                oldest = await outbox_repository.oldest_pending_id(session, conversation_id)
                entries = await outbox_repository.leased_entries(session, conversation_id, owner)
                if not entries or entries[0][0].id != oldest:
                    return 0, False  # an earlier message is still with another dispatcher
                for entry, message in entries:
                    if entry.next_attempt_at > now or not await self._send(session, entry, message):
                        complete = False
                        break
                    sent += 1
            except BaseException:
                await session.rollback()  # the release below needs a usable session
                raise
            finally:
                await outbox_repository.release(session, conversation_id, owner)
                await session.commit()
        return sent, complete

    async def dispatch_due(self, limit: int = 100) -> int:
        """One sweep: every conversation with a message due now."""
        async with self._sessions.session() as session:
            due = await outbox_repository.due_conversations(session, self._clock(), limit)
        sent = 0
        for conversation_id in due:
            sent += await self._dispatch_logged(conversation_id)
        return sent

    async def run(self, interval: float = SWEEP_SECONDS) -> None:
        """Sweep until cancelled (retries, and entries another replica left behind)."""
        while True:
            try:
                await self.dispatch_due()
            except Exception:
                log.exception("outbox: a sweep failed")
            await asyncio.sleep(interval)

    async def aclose(self) -> None:
        """Let the sends under way finish."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _dispatch_logged(self, conversation_id: str) -> int:
        try:
            return await self.dispatch(conversation_id)
        except Exception:
            log.exception("outbox: sending to %s failed", mask_digits(conversation_id))
            return 0

    async def _send(self, session: AsyncSession, entry: OutboxEntry, message: Message) -> bool:
        answer = await outgoing(session, message)
        # No transaction stays open while the channel sends: a sender may read the database
        # (WhatsApp's 24-hour window), and SQLite lets one transaction hold it at a time.
        await session.commit()
        error: str | None = None
        permanent = False
        try:
            await self._outbox.send(entry.channel, entry.conversation_id, [answer])
        except UnknownChannel:
            error = f"the {entry.channel} channel is off"
        except DeliveryFailed as exc:
            error = str(exc)
            permanent = exc.permanent
        now = self._clock()
        if error is None:
            entry.state = "sent"
            entry.sent_at = now
            entry.attempts += 1
            entry.last_error = None
            await session.commit()
            return True
        entry.attempts += 1
        entry.last_error = error[:MAX_ERROR_CHARS]
        if permanent or now - entry.created_at >= self._give_up_after:
            entry.state = "failed"
            log.warning(
                "outbox: gave up on a message to %s after %d tries: %s",
                mask_digits(entry.conversation_id),
                entry.attempts,
                error,
            )
        else:
            entry.next_attempt_at = now + timedelta(seconds=retry_delay(entry.attempts))
        await session.commit()
        return False


async def delivery_problems(session: AsyncSession, limit: int = 200) -> list[OutboxEntry]:
    """Messages that could not be sent: failed for good, or retrying after an error."""
    return list(await outbox_repository.failed_or_retrying(session, limit))


async def retry_now(session: AsyncSession, entry_id: int, now: datetime) -> OutboxEntry | None:
    """Put a failed message back in the outbox, due now (the console's "send again")."""
    entry = await outbox_repository.get_entry(session, entry_id)
    if entry is None or entry.state == "sent":
        return None
    entry.state = "pending"
    entry.next_attempt_at = now
    entry.created_at = now  # a fresh day of retries
    await session.commit()
    return entry

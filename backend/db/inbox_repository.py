"""Queries of the inbox: user messages waiting for their turn, and the answers they got.

The statements of a turn's hot path (taking a message in, starting its try, recording its
answers) are sync Core functions of a `Connection`, run as whole units of work
(`Sessions.run`); the rest are async.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    FromClause,
    bindparam,
    exists,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import driver_statements as statements
from backend.db.delivery_tables import InboxEntry
from backend.db.tables import Conversation, Message

WAITING = ("queued", "late")
# The tables, for the Core statements of a turn's hot path (no unit of work).
CONVERSATIONS = Conversation.metadata.tables[Conversation.__tablename__]
MESSAGES = Message.metadata.tables[Message.__tablename__]
INBOX = InboxEntry.metadata.tables[InboxEntry.__tablename__]
_OTHER = INBOX.alias("other")


def _waiting(inbox: FromClause) -> ColumnElement[bool]:
    """Its entry waits for its turn (queued or late): equalities, not an IN list, which
    SQLAlchemy would render again at every execution."""
    return or_(inbox.c.state == "queued", inbox.c.state == "late")


# A turn's statements are built once, with bound parameters: building one costs more than
# SQLite running it, and a statement object also keeps its cache key.
_HAS_LATE = (
    exists()
    .where(INBOX.c.conversation_id == CONVERSATIONS.c.id, INBOX.c.state == "late")
    .correlate(CONVERSATIONS)
)
_HAS_WAITING = (
    exists()
    .where(INBOX.c.conversation_id == CONVERSATIONS.c.id, _waiting(INBOX))
    .correlate(CONVERSATIONS)
)
_TOUCH = (
    update(CONVERSATIONS)
    .where(CONVERSATIONS.c.id == bindparam("chat"))
    .values(updated_at=bindparam("now"))
    .returning(CONVERSATIONS.c.channel, CONVERSATIONS.c.handled_by, _HAS_LATE, _HAS_WAITING)
)
_TOUCH_IN_LANGUAGE = _TOUCH.values(language=bindparam("spoken"))
_INSERT_MESSAGE = insert(MESSAGES).returning(MESSAGES.c.id)
_INSERT_MESSAGES = insert(MESSAGES)
_INSERT_ENTRY = insert(INBOX)
_NEXT_TURN = (
    select(
        INBOX.c.message_id,
        INBOX.c.attempts,
        INBOX.c.try_started_at,
        MESSAGES.c.text,
        MESSAGES.c.payload,
        CONVERSATIONS.c.channel,
        CONVERSATIONS.c.handled_by,
    )
    .join(MESSAGES, MESSAGES.c.id == INBOX.c.message_id)
    .join(CONVERSATIONS, CONVERSATIONS.c.id == INBOX.c.conversation_id)
    .where(INBOX.c.conversation_id == bindparam("chat"), _waiting(INBOX))
    .order_by(INBOX.c.message_id)
    .limit(1)
)
_BY_EXTERNAL_ID = select(INBOX.c.message_id).where(
    INBOX.c.conversation_id == bindparam("chat"), INBOX.c.external_id == bindparam("external")
)
_START_TRY = (
    update(INBOX)
    .where(INBOX.c.message_id == bindparam("entry"))
    .values(attempts=INBOX.c.attempts + 1, try_started_at=bindparam("now"))
)
_MARK_ANSWERED = (
    update(INBOX)
    .where(INBOX.c.message_id == bindparam("entry"), INBOX.c.state == bindparam("was"))
    .values(state="done", answered_at=bindparam("now"))
    .returning(
        exists().where(
            _OTHER.c.conversation_id == bindparam("chat"),
            _waiting(_OTHER),
            _OTHER.c.message_id != bindparam("entry"),
        )
    )
)


@dataclass(frozen=True)
class Touched:
    """A conversation about to take a message in."""

    channel: str
    handled_by: str
    # One of its messages already had its 'answer comes later' (the bot is down).
    has_late: bool
    # One of its messages waits for its turn (queued or late).
    has_waiting: bool


def touch_conversation(
    connection: Connection, conversation_id: str, now: datetime, language: str | None = None
) -> Touched | None:
    """Mark the conversation active now (and in `language`, when given) and say what taking
    a message in needs to know; None if it is missing.

    One statement (UPDATE … RETURNING), the row then stays locked until the commit.
    """
    parameters: dict[str, Any] = {"chat": conversation_id, "now": now}
    if language:
        parameters["spoken"] = language
    rows = statements.fetch(connection, _TOUCH_IN_LANGUAGE if language else _TOUCH, parameters)
    row = rows[0] if rows else None
    return Touched(row[0], row[1], bool(row[2]), bool(row[3])) if row else None


def insert_message(
    connection: Connection,
    conversation_id: str,
    sender: str,
    text: str,
    payload: Any,
    now: datetime,
    reply_to: int | None = None,
) -> int:
    """Insert one transcript line (one Core statement, no unit of work); its id."""
    [(message_id,)] = statements.fetch(
        connection,
        _INSERT_MESSAGE,
        {
            "conversation_id": conversation_id,
            "sender": sender,
            "text": text,
            "payload": payload,
            "created_at": now,
            "reply_to": reply_to,
        },
    )
    return int(message_id)


def insert_messages(connection: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Insert transcript lines (the columns of `insert_message` each): one statement run
    for every row, no ids read back."""
    statements.execute_many(connection, _INSERT_MESSAGES, rows)


def insert_user_message(
    connection: Connection,
    conversation_id: str,
    text: str,
    payload: dict[str, Any] | None,
    now: datetime,
) -> int:
    """Insert a user message; its id."""
    return insert_message(connection, conversation_id, "user", text, payload, now)


def add_entry(
    connection: Connection,
    message_id: int,
    conversation_id: str,
    external_id: str | None,
    now: datetime,
    *,
    try_begun: bool = False,
) -> None:
    """Queue the user message's turn: its inbox entry (one Core statement); with
    `try_begun`, its first try with the bot begins now too."""
    statements.execute(
        connection,
        _INSERT_ENTRY,
        {
            "message_id": message_id,
            "conversation_id": conversation_id,
            "external_id": external_id,
            "state": "queued",
            "attempts": 1 if try_begun else 0,
            "try_started_at": now if try_begun else None,
            "received_at": now,
        },
    )


def message_by_external_id(
    connection: Connection, conversation_id: str, external_id: str
) -> int | None:
    """The id of the message taken in with this external id (a platform's message id)."""
    parameters = {"chat": conversation_id, "external": external_id}
    rows = statements.fetch(connection, _BY_EXTERNAL_ID, parameters)
    return int(rows[0][0]) if rows else None


async def get_entry(session: AsyncSession, message_id: int) -> InboxEntry | None:
    return await session.get(InboxEntry, message_id, populate_existing=True)


@dataclass(frozen=True)
class Waiting:
    """A conversation's oldest message waiting for its turn, with what the turn needs."""

    message_id: int
    attempts: int  # tries that began already
    try_started_at: datetime | None  # the last try began then and never ended
    text: str
    payload: dict[str, Any]
    channel: str
    handled_by: str


def next_turn(connection: Connection, conversation_id: str) -> Waiting | None:
    """The conversation's earliest message still waiting for its turn, in one query; None
    when nothing waits."""
    rows = statements.fetch(connection, _NEXT_TURN, {"chat": conversation_id})
    if not rows:
        return None
    message_id, attempts, try_started_at, text, payload, channel, handled_by = rows[0]
    payload = payload if isinstance(payload, dict) else {}
    return Waiting(message_id, attempts, try_started_at, text, payload, channel, handled_by)


async def change_state(
    session: AsyncSession,
    message_id: int,
    state: str,
    *,
    only_from: Sequence[str],
    answered_at: datetime | None = None,
) -> bool:
    """Set the entry's state if it is in one of `only_from` (compare and set); True if it did."""
    values: dict[str, object] = {"state": state}
    if answered_at is not None:
        values["answered_at"] = answered_at
    result = await session.execute(
        update(InboxEntry)
        .where(InboxEntry.message_id == message_id, InboxEntry.state.in_(tuple(only_from)))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return isinstance(result, CursorResult) and result.rowcount == 1


@dataclass(frozen=True)
class Answered:
    """A message marked answered: whether its caller still waited, and what waits next."""

    # It was `queued` (its caller still waits for the answers), not `late` (they are pushed).
    inline: bool
    # Another message of the conversation waits for its turn.
    more: bool


def mark_answered(
    connection: Connection, conversation_id: str, message_id: int, now: datetime
) -> Answered | None:
    """Mark the message's waiting entry done, and say whether another one of its
    conversation waits: one statement (UPDATE … RETURNING) when it was queued; None if it
    no longer waited."""
    for state in ("queued", "late"):
        parameters = {"chat": conversation_id, "entry": message_id, "was": state, "now": now}
        rows = statements.fetch(connection, _MARK_ANSWERED, parameters)
        if rows:
            return Answered(inline=state == "queued", more=bool(rows[0][0]))
    return None


def start_try(connection: Connection, message_id: int, now: datetime) -> None:
    """One more try with the bot begins now."""
    statements.execute(connection, _START_TRY, {"entry": message_id, "now": now})


async def end_try(session: AsyncSession, message_id: int) -> None:
    """The try is over (the bot answered, or refused): nothing of it lives on."""
    await session.execute(
        update(InboxEntry)
        .where(InboxEntry.message_id == message_id)
        .values(try_started_at=None)
        .execution_options(synchronize_session=False)
    )


async def is_late_before(session: AsyncSession, conversation_id: str, message_id: int) -> bool:
    """Whether an earlier message of the conversation already had its 'answer comes later'."""
    result = await session.execute(
        select(
            exists().where(
                InboxEntry.conversation_id == conversation_id,
                InboxEntry.state == "late",
                InboxEntry.message_id < message_id,
            )
        )
    )
    return bool(result.scalar_one())


async def waiting_conversations(
    session: AsyncSession, received_before: datetime, limit: int
) -> list[str]:
    """Conversations with a message waiting since before `received_before`, oldest first."""
    result = await session.execute(
        select(InboxEntry.conversation_id)
        .where(InboxEntry.state.in_(WAITING), InboxEntry.received_at < received_before)
        .group_by(InboxEntry.conversation_id)
        .order_by(func.min(InboxEntry.message_id))
        .limit(limit)
    )
    return list(result.scalars())


async def answers_to(session: AsyncSession, message_id: int) -> Sequence[Message]:
    """The bot's answers to one user message, in order."""
    result = await session.execute(
        select(Message).where(Message.reply_to == message_id).order_by(Message.id)
    )
    return result.scalars().all()

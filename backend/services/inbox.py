"""Taking a user message in: stored with its channel's id before the channel is answered.

The message, its inbox entry (its turn with the bot) and, for the messaging platforms, the
delivery record that refuses the platform's retries are written in one transaction. A
message whose external id was taken in before is a duplicate: nothing is written again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import channel_repository, inbox_repository, repository, transcript_repository
from backend.db.tables import Message
from backend.domain.conversation_ids import check_channel
from backend.domain.transcript_display import DISPLAY_KEY, clicked_title, offered_buttons
from backend.services.turns import TurnTry, answer_later

# Channels whose platform retries a delivery it thinks was lost; their deliveries are
# recorded by external id (the time also opens WhatsApp's 24-hour window).
PLATFORMS = frozenset({"telegram", "whatsapp"})
# The languages the bot speaks; a channel's `language` metadata sets the conversation's.
LANGUAGES = ("id", "en")
# A click answers one of the bot's last few messages (a turn's answer is a few of them).
OFFER_DEPTH = 5


@dataclass(frozen=True)
class TakenIn:
    """The stored message's id; `fresh` is False for a duplicate (the first one's id, if known)."""

    message_id: int | None
    fresh: bool
    handled_by: str = "bot"
    created_at: datetime | None = None  # when the fresh message was stored
    # This message opened the conversation (its first one, on any channel).
    opened: bool = False
    # An earlier message of the conversation waits for the bot already (it is down).
    behind_late: bool = False
    # Its try with the bot began as it was stored (`begin_try`): the caller runs it.
    turn: TurnTry | None = None


def take_in(
    connection: Connection,
    conversation_id: str,
    channel: str,
    text: str,
    metadata: dict[str, Any] | None = None,
    *,
    external_id: str | None = None,
    sent_at: datetime | None = None,
    now: datetime | None = None,
    platform_title: str | None = None,
    begin_try: bool = False,
) -> TakenIn:
    """Store one user message and queue its turn, in one transaction (opening the
    conversation if it is the first message); a unit of work for `Sessions.run`.

    With `begin_try` (the caller holds the conversation's run) the message's first try
    with the bot begins in the same transaction when nothing else of the conversation
    waits and the bot holds the chat: `turn` is then set, for the caller to run.
    A click keeps the title the customer saw beside its payload (`payload["display"]`;
    `platform_title` is the title the platform reported). ChannelMismatch when the
    conversation belongs to another channel (nothing is stored).
    """
    check_channel(conversation_id, channel)
    now = now or datetime.now(UTC)
    if external_id is not None:
        known = inbox_repository.message_by_external_id(connection, conversation_id, external_id)
        if known is not None:
            return TakenIn(known, fresh=False)
        if channel in PLATFORMS and not channel_repository.claim_delivery(
            connection, channel, external_id, conversation_id, min(sent_at or now, now)
        ):
            connection.rollback()
            return TakenIn(None, fresh=False)
    payload = dict(metadata or {})
    payload.pop(DISPLAY_KEY, None)  # only the gateway says what a message looked like
    language = payload.get("language")
    language = language if language in LANGUAGES else None  # as the bot's session start reads it
    found = inbox_repository.touch_conversation(connection, conversation_id, now, language)
    opened = False
    if found is None:
        opened = repository.insert_conversation(connection, conversation_id, channel, now)
        # Inserted by another request just now: read it (with its channel) after all.
        found = (
            inbox_repository.Touched(channel, "bot", has_late=False, has_waiting=False)
            if opened and language is None
            else inbox_repository.touch_conversation(connection, conversation_id, now, language)
        )
        if found is None:  # deleted between the insert and the read
            raise LookupError(conversation_id)
    check_channel(conversation_id, channel, found.channel)
    if title := _clicked(connection, conversation_id, text, platform_title):
        payload[DISPLAY_KEY] = title
    begun = begin_try and found.handled_by == "bot" and not found.has_waiting
    try:
        message_id = inbox_repository.insert_user_message(
            connection, conversation_id, text, payload or None, now
        )
        inbox_repository.add_entry(
            connection, message_id, conversation_id, external_id, now, try_begun=begun
        )
        connection.commit()
    except IntegrityError:  # the same external id, taken in by another replica just now
        connection.rollback()
        return TakenIn(None, fresh=False)
    # (Every earlier message of the conversation was taken in before this one: has_late.)
    return TakenIn(
        message_id,
        fresh=True,
        handled_by=found.handled_by,
        created_at=now,
        opened=opened,
        behind_late=found.has_late,
        turn=TurnTry(conversation_id, found.channel, message_id, text, payload) if begun else None,
    )


def _clicked(
    connection: Connection, conversation_id: str, text: str, platform_title: str | None
) -> str | None:
    """The title of the button the message clicked (payloads start with `/`), else None."""
    if not text.startswith("/") and not platform_title:
        return None
    payloads = transcript_repository.last_answer_payloads(connection, conversation_id, OFFER_DEPTH)
    offered = [
        button
        for payload in payloads
        if isinstance(payload, dict)
        for button in offered_buttons(payload)
    ]
    return clicked_title(text, offered, platform_title)


@dataclass(frozen=True)
class TurnOutcome:
    """Where a message's turn stands, and the bot's messages recorded for it so far."""

    state: str
    answers: list[Message]
    # An earlier message of the conversation waits for the bot already (it is down).
    behind_late: bool = False


async def turn_outcome(session: AsyncSession, message_id: int) -> TurnOutcome | None:
    """The message's turn: `queued`, `late` or `done`, with its answers; None if unknown."""
    entry = await inbox_repository.get_entry(session, message_id)
    if entry is None:
        return None
    answers = list(await inbox_repository.answers_to(session, message_id))
    behind_late = entry.state == "queued" and await inbox_repository.is_late_before(
        session, entry.conversation_id, message_id
    )
    return TurnOutcome(entry.state, answers, behind_late)


async def stop_waiting(
    session: AsyncSession, conversation_id: str, message_id: int, now: datetime
) -> TurnOutcome | None:
    """The caller stops waiting for the answer: a queued message becomes late (with its notice).

    The answers then reach the user later (pushed, or from the REST pull). Returns the
    outcome after the change.
    """
    conversation = await repository.get_conversation(session, conversation_id)
    if conversation is not None:
        await answer_later(session, conversation, message_id, now)
        await session.commit()
    return await turn_outcome(session, message_id)

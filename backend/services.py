"""Use cases of the case API and the gateway; each takes a session and commits its work."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import repository
from backend.db.tables import CaseEvent, CaseRecord, Conversation, Message
from backend.domain.calendar import WIB, WorkingCalendar
from backend.domain.deadlines import case_deadlines
from backend.domain.lifecycle import Status
from backend.domain.policy import InstitutionProfile
from backend.domain.register_number import make_register_number, parse_register_number
from backend.schemas import CaseCreate, CasePublic, InvalidField

SENDERS = frozenset({"user", "bot", "agent"})
HANDLERS = frozenset({"bot", "agent"})


class ConversationNotFound(LookupError):
    """No conversation has this id."""


async def open_case(
    session: AsyncSession,
    data: CaseCreate,
    *,
    profile: InstitutionProfile,
    calendar: WorkingCalendar,
    idempotency_key: str | None = None,
    now: datetime | None = None,
    actor: str = "api",
) -> tuple[CaseRecord, bool]:
    """Register a case with deadlines and register number; (case, created)."""
    if idempotency_key and (
        existing := await repository.case_by_idempotency_key(session, idempotency_key)
    ):
        return existing, False
    _check_against_profile(data, profile)
    now = now or datetime.now(UTC)
    received_at = data.received_at or now.replace(microsecond=0)
    submission_mode = profile.submission_mode(data.channel)
    deadlines = case_deadlines(received_at, submission_mode, profile, calendar)
    if data.conversation_id:
        await repository.ensure_conversation(session, data.conversation_id, data.channel, now)
    period = register_period(received_at)
    sequence = await repository.next_register_sequence(session, profile.register_prefix, period)
    case = CaseRecord(
        register_number=make_register_number(profile.register_prefix, received_at, sequence),
        idempotency_key=idempotency_key,
        status=Status.RECEIVED,
        complainant_type=data.complainant_type,
        user_role=data.user_role,
        complaint_type=data.complaint_type,
        category=data.category,
        priority=data.priority,
        full_name=data.full_name,
        phone=data.phone,
        email=data.email,
        description=data.description,
        product=data.product,
        officer=data.officer,
        channel=data.channel,
        submission_mode=submission_mode,
        received_at=received_at,
        first_response_due_at=deadlines.first_response_due_at,
        resolution_due_at=deadlines.resolution_due_at,
        conversation_id=data.conversation_id,
        created_at=now,
        updated_at=now,
    )
    session.add(case)
    try:
        await session.flush()
        _audit(session, case, now, actor, "opened", before=None)
        await session.commit()
    except IntegrityError:
        await session.rollback()
        # A concurrent request with the same key won the race: answer with its case.
        if idempotency_key and (
            existing := await repository.case_by_idempotency_key(session, idempotency_key)
        ):
            return existing, False
        raise
    return case, True


async def get_case(session: AsyncSession, register_number: str) -> CaseRecord | None:
    """The case with this register number; RegisterNumberError if the text cannot be one."""
    return await repository.case_by_register_number(session, parse_register_number(register_number))


async def list_cases_for_conversation(
    session: AsyncSession, conversation_id: str
) -> Sequence[CaseRecord]:
    """The cases opened from a chat, oldest first."""
    return await repository.cases_of_conversation(session, conversation_id)


async def record_message(
    session: AsyncSession,
    conversation_id: str,
    channel: str,
    sender: str,
    text: str,
    payload: Any = None,
    *,
    now: datetime | None = None,
) -> Conversation:
    """Append a message to the transcript, opening the conversation on its first message."""
    if sender not in SENDERS:
        raise ValueError(f"unknown sender {sender!r}")
    now = now or datetime.now(UTC)
    conversation = await repository.ensure_conversation(session, conversation_id, channel, now)
    repository.add_message(
        session,
        Message(
            conversation_id=conversation_id,
            sender=sender,
            text=text,
            payload=payload,
            created_at=now,
        ),
    )
    conversation.updated_at = now
    await session.commit()
    return conversation


async def get_conversation(session: AsyncSession, conversation_id: str) -> Conversation | None:
    """The conversation with this id, or None."""
    return await repository.get_conversation(session, conversation_id)


async def set_rating(session: AsyncSession, conversation_id: str, rating: int) -> Conversation:
    """Store the customer's 1-5 rating of the chat (a later rating replaces an earlier one)."""
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise InvalidField("rating", "must be a whole number from 1 to 5")
    conversation = await repository.get_conversation(session, conversation_id)
    if conversation is None:
        raise ConversationNotFound(conversation_id)
    conversation.rating = rating
    await session.commit()
    return conversation


async def set_handled_by(
    session: AsyncSession, conversation_id: str, handled_by: str
) -> Conversation:
    """Hand the chat to an agent or back to the bot."""
    if handled_by not in HANDLERS:
        raise ValueError(f"unknown handler {handled_by!r}")
    conversation = await repository.get_conversation(session, conversation_id)
    if conversation is None:
        raise ConversationNotFound(conversation_id)
    conversation.handled_by = handled_by
    await session.commit()
    return conversation


def register_period(received_at: datetime) -> str:
    """The period whose counter numbers a case: the WIB month of its receipt."""
    return received_at.astimezone(WIB).strftime("%Y-%m")


def _check_against_profile(data: CaseCreate, profile: InstitutionProfile) -> None:
    """Refuse a product or a user role the institution does not have."""
    if data.product is not None and data.product not in profile.products:
        raise InvalidField("product", f"must be one of: {', '.join(profile.products)}")
    if data.user_role is not None and data.user_role not in profile.roles:
        raise InvalidField("user_role", f"must be one of: {', '.join(profile.roles)}")


def _audit(
    session: AsyncSession,
    case: CaseRecord,
    at: datetime,
    actor: str,
    action: str,
    *,
    before: dict[str, Any] | None,
) -> None:
    """Write the case's audit-trail entry for a change."""
    session.add(
        CaseEvent(
            case_id=case.id,
            at=at,
            actor=actor,
            action=action,
            before=before,
            after=CasePublic.from_record(case).as_dict(),
        )
    )

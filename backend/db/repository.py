"""Thin queries over the tables; no business rules, no commits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, func, not_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.tables import (
    Agent,
    CaseEvent,
    CaseRecord,
    Complainant,
    Conversation,
    Document,
    Message,
    Rating,
    RegisterCounter,
)


def _insert(dialect: str, table: Any) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT (PostgreSQL and SQLite alike)."""
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


async def next_register_sequence(session: AsyncSession, prefix: str, period: str) -> int:
    """Atomically take the next sequence number of `prefix` in `period` (1, 2, …)."""
    dialect = session.get_bind().dialect.name
    statement = _insert(dialect, RegisterCounter).values(prefix=prefix, period=period, last_value=1)
    statement = statement.on_conflict_do_update(
        index_elements=[RegisterCounter.prefix, RegisterCounter.period],
        set_={"last_value": RegisterCounter.last_value + 1},
    ).returning(RegisterCounter.last_value)
    return int((await session.execute(statement)).scalar_one())


def insert_conversation(
    connection: Connection, conversation_id: str, channel: str, now: datetime
) -> bool:
    """Insert the conversation row unless it exists; True when this call inserted it."""
    statement = (
        _insert(connection.dialect.name, Conversation)
        .values(
            id=conversation_id, channel=channel, handled_by="bot", created_at=now, updated_at=now
        )
        .on_conflict_do_nothing(index_elements=[Conversation.id])
        .returning(Conversation.id)
    )
    return connection.execute(statement).scalar_one_or_none() is not None


async def ensure_conversation(
    session: AsyncSession, conversation_id: str, channel: str, now: datetime
) -> Conversation:
    """The conversation row, inserted first if missing (safe against a concurrent insert)."""
    connection = await session.connection()
    await connection.run_sync(insert_conversation, conversation_id, channel, now)
    conversation = await session.get(Conversation, conversation_id, populate_existing=True)
    if conversation is None:  # deleted between the insert and the read
        raise LookupError(conversation_id)
    return conversation


async def get_conversation(session: AsyncSession, conversation_id: str) -> Conversation | None:
    return await session.get(Conversation, conversation_id)


def add_message(session: AsyncSession, message: Message) -> None:
    session.add(message)


async def case_by_register_number(session: AsyncSession, register_number: str) -> CaseRecord | None:
    result = await session.execute(
        select(CaseRecord).where(CaseRecord.register_number == register_number)
    )
    return result.scalar_one_or_none()


async def case_for_update(session: AsyncSession, register_number: str) -> CaseRecord | None:
    """The case, freshly read and locked until the transaction ends (PostgreSQL)."""
    result = await session.execute(
        select(CaseRecord)
        .where(CaseRecord.register_number == register_number)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return result.scalar_one_or_none()


async def case_by_idempotency_key(session: AsyncSession, key: str) -> CaseRecord | None:
    result = await session.execute(select(CaseRecord).where(CaseRecord.idempotency_key == key))
    return result.scalar_one_or_none()


async def cases_of_conversation(
    session: AsyncSession, conversation_id: str
) -> Sequence[CaseRecord]:
    result = await session.execute(
        select(CaseRecord)
        .where(CaseRecord.conversation_id == conversation_id)
        .order_by(CaseRecord.received_at, CaseRecord.id)
    )
    return result.scalars().all()


async def events_of_case(session: AsyncSession, case_id: int) -> Sequence[CaseEvent]:
    result = await session.execute(
        select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
    )
    return result.scalars().all()


async def messages_of_conversation(
    session: AsyncSession, conversation_id: str
) -> Sequence[Message]:
    result = await session.execute(
        select(Message).where(Message.conversation_id == conversation_id).order_by(Message.id)
    )
    return result.scalars().all()


def add_rating(session: AsyncSession, rating: Rating) -> None:
    session.add(rating)


async def ratings_of_conversation(session: AsyncSession, conversation_id: str) -> Sequence[Rating]:
    result = await session.execute(
        select(Rating).where(Rating.conversation_id == conversation_id).order_by(Rating.id)
    )
    return result.scalars().all()


async def complainant_by_contact(
    session: AsyncSession, phone: str | None, email: str | None
) -> Complainant | None:
    """The complainant with this phone number, else the one with this e-mail address."""
    for column, value in ((Complainant.phone, phone), (Complainant.email, email)):
        if value:
            result = await session.execute(
                select(Complainant).where(column == value).execution_options(populate_existing=True)
            )
            if (found := result.scalar_one_or_none()) is not None:
                return found
    return None


async def insert_complainant(
    session: AsyncSession, full_name: str, phone: str | None, email: str | None, now: datetime
) -> int | None:
    """Insert a complainant; None when a concurrent one already holds the phone or e-mail."""
    statement = (
        _insert(session.get_bind().dialect.name, Complainant)
        .values(full_name=full_name, phone=phone, email=email, created_at=now, updated_at=now)
        .on_conflict_do_nothing()
        .returning(Complainant.id)
    )
    return (await session.execute(statement)).scalar_one_or_none()


def effective_due() -> ColumnElement[datetime]:
    """The resolution deadline in force: the extended one, else the first."""
    return func.coalesce(CaseRecord.extended_resolution_due_at, CaseRecord.resolution_due_at)


@dataclass(frozen=True)
class CaseCriteria:
    """What a case search keeps; empty tuples and None keep everything."""

    statuses: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    conversation_id: str | None = None
    complainant_id: int | None = None
    received_from: datetime | None = None
    received_before: datetime | None = None
    running_statuses: tuple[str, ...] = ()
    overdue_at: datetime | None = None
    not_overdue_at: datetime | None = None
    due_after: datetime | None = None
    due_until: datetime | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        """The WHERE conditions; deadline conditions hold only for running cases."""
        found: list[ColumnElement[bool]] = []
        for column, values in (
            (CaseRecord.status, self.statuses),
            (CaseRecord.priority, self.priorities),
            (CaseRecord.category, self.categories),
            (CaseRecord.channel, self.channels),
        ):
            if values:
                found.append(column.in_(values))
        if self.conversation_id is not None:
            found.append(CaseRecord.conversation_id == self.conversation_id)
        if self.complainant_id is not None:
            found.append(CaseRecord.complainant_id == self.complainant_id)
        if self.received_from is not None:
            found.append(CaseRecord.received_at >= self.received_from)
        if self.received_before is not None:
            found.append(CaseRecord.received_at < self.received_before)
        running = CaseRecord.status.in_(self.running_statuses)
        if self.overdue_at is not None:
            found.append(and_(running, effective_due() <= self.overdue_at))
        if self.not_overdue_at is not None:
            found.append(not_(and_(running, effective_due() <= self.not_overdue_at)))
        if self.due_after is not None:
            found.append(and_(running, effective_due() > self.due_after))
        if self.due_until is not None:
            found.append(and_(running, effective_due() <= self.due_until))
        return found


async def search_cases(
    session: AsyncSession, criteria: CaseCriteria, *, limit: int, offset: int
) -> tuple[Sequence[CaseRecord], int]:
    """One page of matching cases, oldest first, and how many match in all."""
    conditions = criteria.conditions()
    total = (
        await session.execute(select(func.count()).select_from(CaseRecord).where(*conditions))
    ).scalar_one()
    result = await session.execute(
        select(CaseRecord)
        .where(*conditions)
        .order_by(CaseRecord.received_at, CaseRecord.id)
        .limit(limit)
        .offset(offset)
    )
    return result.scalars().all(), int(total)


async def find_cases_by_text(
    session: AsyncSession,
    *,
    register_number: str | None,
    name_pattern: str | None,
    phone_digits: str | None,
    limit: int,
) -> Sequence[CaseRecord]:
    """Cases whose register number is this one, whose name contains, or whose phone contains."""
    conditions = []
    if register_number:
        conditions.append(CaseRecord.register_number == register_number)
    if name_pattern:
        conditions.append(CaseRecord.full_name.ilike(name_pattern, escape="\\"))
    if phone_digits:
        conditions.append(CaseRecord.phone.like(f"%{phone_digits}%"))
    if not conditions:
        return []
    result = await session.execute(
        select(CaseRecord)
        .where(or_(*conditions))
        .order_by(CaseRecord.received_at.desc(), CaseRecord.id.desc())
        .limit(limit)
    )
    return result.scalars().all()


def add_document(session: AsyncSession, document: Document) -> None:
    session.add(document)


async def documents_of_case(session: AsyncSession, case_id: int) -> Sequence[Document]:
    result = await session.execute(
        select(Document).where(Document.case_id == case_id).order_by(Document.id)
    )
    return result.scalars().all()


async def document_of_case(
    session: AsyncSession, case_id: int, document_id: int
) -> Document | None:
    result = await session.execute(
        select(Document).where(Document.case_id == case_id, Document.id == document_id)
    )
    return result.scalar_one_or_none()


async def document_by_sha256(session: AsyncSession, case_id: int, sha256: str) -> Document | None:
    result = await session.execute(
        select(Document).where(Document.case_id == case_id, Document.sha256 == sha256)
    )
    return result.scalar_one_or_none()


def add_agent(session: AsyncSession, agent: Agent) -> None:
    session.add(agent)


async def agent_by_username(session: AsyncSession, username: str) -> Agent | None:
    result = await session.execute(select(Agent).where(Agent.username == username))
    return result.scalar_one_or_none()


async def fill_complainant_contact(
    session: AsyncSession, complainant_id: int, field: str, value: str, now: datetime
) -> bool:
    """Set a missing phone or e-mail of a complainant; False if someone else already has it."""
    column = Complainant.phone if field == "phone" else Complainant.email
    statement = (
        update(Complainant)
        .where(Complainant.id == complainant_id, column.is_(None))
        .values({column: value, Complainant.updated_at: now})
        .execution_options(synchronize_session=False)
    )
    try:
        async with session.begin_nested():
            await session.execute(statement)
    except IntegrityError:
        return False
    return True

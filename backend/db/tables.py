"""Tables: conversations, complainants, cases with their audit trail and documents, agents."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Dialect,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy import event as orm_events
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from backend.domain.agents import AgentRole
from backend.domain.handoff import case_next_due, case_queue_rank
from backend.domain.lifecycle import (
    Category,
    Channel,
    ComplainantType,
    ComplaintType,
    Priority,
    RejectionGround,
    Status,
    SubmissionMode,
    UserRole,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """An aware timestamp stored in UTC; naive values are refused, read values are UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime refused: {value!r}")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


UNMEASURED_RESOLUTION = "resolved_at IS NOT NULL AND resolution_working_days IS NULL"
JSONDocument = JSON().with_variant(JSONB(), "postgresql")


def _enum(kind: type[StrEnum]) -> Enum:
    """A VARCHAR holding the enum's value: no database type, no constraint to migrate."""
    return Enum(
        kind,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Conversation(Base):
    """A chat, keyed by the channel's conversation id (Rasa's sender id)."""

    __tablename__ = "conversations"
    __table_args__ = (
        CheckConstraint("handled_by IN ('bot', 'agent')", name="handled_by"),
        CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating"),
        Index("ix_conversations_handled_by_updated_at", "handled_by", "updated_at"),
    )

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    handled_by: Mapped[str] = mapped_column(String(8), default="bot")
    rating: Mapped[int | None] = mapped_column(Integer)
    language: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    messages: Mapped[list[Message]] = relationship(
        back_populates="conversation", order_by="Message.id", lazy="raise"
    )


class Rating(Base):
    """A customer's 1-5 rating of a chat; the conversation keeps the latest one."""

    __tablename__ = "ratings"
    __table_args__ = (CheckConstraint("rating BETWEEN 1 AND 5", name="rating"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    rating: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class Message(Base):
    """One line of a transcript."""

    __tablename__ = "messages"
    __table_args__ = (
        CheckConstraint("sender IN ('user', 'bot', 'agent')", name="sender"),
        # A transcript in order; a live stream's messages after the last id it sent.
        Index("ix_messages_conversation_id_id", "conversation_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    sender: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    payload: Mapped[Any | None] = mapped_column(JSONDocument)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # A bot's answer: the user message it answers (the turn), else None.
    reply_to: Mapped[int | None] = mapped_column(Integer)

    conversation: Mapped[Conversation] = relationship(back_populates="messages", lazy="raise")


class RegisterCounter(Base):
    """The last sequence number handed out for a register-number prefix and period."""

    __tablename__ = "register_counters"

    prefix: Mapped[str] = mapped_column(String(16), primary_key=True)
    period: Mapped[str] = mapped_column(String(16), primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer)


class Complainant(Base):
    """A person who complained; cases with the same phone or e-mail link to one complainant."""

    __tablename__ = "complainants"
    __table_args__ = (CheckConstraint("phone IS NOT NULL OR email IS NOT NULL", name="contact"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(32), unique=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class Agent(Base):
    """A CS agent or supervisor of the console (the console sets and checks the password)."""

    __tablename__ = "agents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    username: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[AgentRole] = mapped_column(_enum(AgentRole))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class CaseRecord(Base):
    """A registered complaint, question or feedback: the case fields of INTERFACES.md."""

    __tablename__ = "cases"
    __table_args__ = (
        # The resolved cases whose resolution time is not stored yet (normally none): each
        # report build looks for them first.
        Index(
            "ix_cases_unmeasured_resolution",
            "received_at",
            postgresql_where=text(UNMEASURED_RESOLUTION),
            sqlite_where=text(UNMEASURED_RESOLUTION),
        ),
        Index("ix_cases_status_priority", "status", "priority"),
        # The console's queue: running cases (queue_rank set) by rank, then due time.
        Index(
            "ix_cases_queue",
            "queue_rank",
            "queue_due_at",
            "id",
            postgresql_where=text("queue_rank IS NOT NULL"),
            sqlite_where=text("queue_rank IS NOT NULL"),
        ),
        Index(  # PostgreSQL orders by an index only after equalities, and IS NULL is none
            "ix_cases_unassigned_queue",
            "queue_rank",
            "queue_due_at",
            "id",
            postgresql_where=text("queue_rank IS NOT NULL AND officer IS NULL"),
            sqlite_where=text("queue_rank IS NOT NULL AND officer IS NULL"),
        ),
        Index(
            "ix_cases_officer_queue",
            "officer",
            "queue_rank",
            "queue_due_at",
            "id",
            postgresql_where=text("queue_rank IS NOT NULL"),
            sqlite_where=text("queue_rank IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    register_number: Mapped[str] = mapped_column(String(32), unique=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(128), unique=True)
    status: Mapped[Status] = mapped_column(_enum(Status), index=True)
    complainant_type: Mapped[ComplainantType] = mapped_column(_enum(ComplainantType))
    user_role: Mapped[UserRole | None] = mapped_column(_enum(UserRole))
    complaint_type: Mapped[ComplaintType] = mapped_column(_enum(ComplaintType))
    category: Mapped[Category] = mapped_column(_enum(Category))
    priority: Mapped[Priority] = mapped_column(_enum(Priority))
    full_name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))
    description: Mapped[str] = mapped_column(Text)
    product: Mapped[str | None] = mapped_column(String(100))
    officer: Mapped[str | None] = mapped_column(String(200))
    channel: Mapped[Channel] = mapped_column(_enum(Channel))
    submission_mode: Mapped[SubmissionMode] = mapped_column(_enum(SubmissionMode))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    first_response_due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    resolution_due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    conversation_id: Mapped[str | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="SET NULL"), index=True
    )
    complainant_id: Mapped[int] = mapped_column(ForeignKey("complainants.id"), index=True)
    extended_resolution_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    extension_notice: Mapped[str | None] = mapped_column(Text)
    extension_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolution_response: Mapped[str | None] = mapped_column(Text)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # Working days from receipt to resolution, stored at resolution so reports aggregate in SQL.
    resolution_working_days: Mapped[int | None] = mapped_column(Integer)
    facilitation_window_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rejection_ground: Mapped[RejectionGround | None] = mapped_column(_enum(RejectionGround))
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    rejected_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    requested_documents: Mapped[str | None] = mapped_column(Text)
    documents_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    documents_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    # Kept by `_keep_queue_columns` on every write through the ORM (see ix_cases_queue):
    # the priority's rank while the case runs (None once answered) and the deadline worked
    # to next (first response while received, else the resolution date, an extension's if any).
    queue_rank: Mapped[int | None] = mapped_column(SmallInteger)
    queue_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", order_by="CaseEvent.id", lazy="raise"
    )


@orm_events.listens_for(CaseRecord, "before_insert")
@orm_events.listens_for(CaseRecord, "before_update")
def _keep_queue_columns(_mapper: Any, _connection: Any, case: CaseRecord) -> None:
    """The queue's stored columns follow the status, the priority and the deadlines."""
    case.queue_rank = case_queue_rank(str(case.status), str(case.priority))
    case.queue_due_at = case_next_due(
        str(case.status),
        case.first_response_due_at,
        case.resolution_due_at,
        case.extended_resolution_due_at,
    )


class CaseEvent(Base):
    """The audit trail: who changed what on a case, and when."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(64))
    before: Mapped[Any | None] = mapped_column(JSONDocument)
    after: Mapped[Any | None] = mapped_column(JSONDocument)

    case: Mapped[CaseRecord] = relationship(back_populates="events", lazy="raise")


class Document(Base):
    """A supporting document of a case: metadata here, the file under var/documents/."""

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("case_id", "sha256", name="uq_documents_case_id_sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    original_filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    stored_path: Mapped[str] = mapped_column(String(500))
    uploaded_by: Mapped[str] = mapped_column(String(200))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

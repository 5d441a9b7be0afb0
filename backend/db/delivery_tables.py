"""Tables of the durable message path: the inbox of user messages waiting for their turn,
and the outbox of messages waiting to be pushed to a channel."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.tables import Base, UTCDateTime, utcnow


class InboxEntry(Base):
    """A user message taken in: its turn with the bot is waiting, late, or done.

    `queued`: nobody has answered yet; `late`: the user was told the answer comes later
    (the bot was down, or the REST caller stopped waiting), so the answers are pushed;
    `done`: answered (or kept for the agent who holds the chat).
    """

    __tablename__ = "inbox"
    __table_args__ = (
        CheckConstraint("state IN ('queued', 'late', 'done')", name="state"),
        UniqueConstraint("conversation_id", "external_id", name="uq_inbox_external_id"),
        Index("ix_inbox_waiting", "state", "conversation_id", "message_id"),
    )

    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True
    )
    conversation_id: Mapped[str] = mapped_column(String(128))
    external_id: Mapped[str | None] = mapped_column(String(255))
    state: Mapped[str] = mapped_column(String(8), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Set while a try is with the bot; still set after a crash: the try may live on in Rasa.
    try_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class OutboxEntry(Base):
    """A bot's or agent's message to push on the user's channel, retried until it is sent.

    Entries of one conversation go out in id order: a later one waits while an earlier
    one is pending. `lease_until`/`lease_owner` keep two dispatchers off the same entry.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint("state IN ('pending', 'sent', 'failed')", name="state"),
        Index("ix_outbox_due", "state", "next_attempt_at"),
        Index("ix_outbox_conversation", "conversation_id", "state", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    conversation_id: Mapped[str] = mapped_column(String(128))
    channel: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(8), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

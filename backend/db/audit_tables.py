"""Audit tables beside the case trail: who revealed masked personal data, where and when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.tables import Base, UTCDateTime, utcnow


class PersonalDataReveal(Base):
    """An agent chose to see a chat's or a case's personal numbers unmasked (kept for audits)."""

    __tablename__ = "personal_data_reveals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(200))
    conversation_id: Mapped[str | None] = mapped_column(String(128), index=True)
    register_number: Mapped[str | None] = mapped_column(String(32), index=True)

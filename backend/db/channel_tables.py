"""Tables of the messaging channels: the platform messages already taken in."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.tables import Base, UTCDateTime


class ChannelDelivery(Base):
    """One inbound platform message (Telegram update, WhatsApp message), kept to refuse retries.

    Its time is also the user's last message on the channel, which opens WhatsApp's
    24-hour customer-service window.
    """

    __tablename__ = "channel_deliveries"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    external_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(128), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())

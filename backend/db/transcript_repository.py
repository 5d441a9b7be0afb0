"""Queries behind the transcript's display: the answers a click can refer to."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, bindparam, or_, select

from backend.db import driver_statements as statements
from backend.db.tables import Message

_MESSAGES = Message.metadata.tables[Message.__tablename__]
_LAST_ANSWER_PAYLOADS = (
    select(_MESSAGES.c.payload)
    .where(
        _MESSAGES.c.conversation_id == bindparam("chat"),
        or_(_MESSAGES.c.sender == "bot", _MESSAGES.c.sender == "agent"),
    )
    .order_by(_MESSAGES.c.id.desc())
    .limit(bindparam("limit"))
)


def last_answer_payloads(connection: Connection, conversation_id: str, limit: int) -> list[Any]:
    """The payloads of the newest `limit` bot or agent messages of the conversation,
    newest first (one Core query: what a click is checked against)."""
    parameters = {"chat": conversation_id, "limit": limit}
    rows = statements.fetch(connection, _LAST_ANSWER_PAYLOADS, parameters)
    return [payload for (payload,) in rows]

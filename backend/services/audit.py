"""The audit trail: each change of a case as a case event; each reveal of masked personal data."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.audit_tables import PersonalDataReveal
from backend.db.tables import CaseEvent, CaseRecord
from backend.schemas import case_snapshot, snapshot_changes


def record_event(
    session: AsyncSession,
    case: CaseRecord,
    *,
    at: datetime,
    actor: str,
    action: str,
    before: Any,
    after: Any,
) -> None:
    """Add one audit-trail entry of `case`."""
    session.add(
        CaseEvent(case_id=case.id, at=at, actor=actor, action=action, before=before, after=after)
    )


def record_change(
    session: AsyncSession,
    case: CaseRecord,
    snapshot_before: dict[str, Any],
    *,
    at: datetime,
    actor: str,
    action: str,
) -> bool:
    """Add an entry with the fields that changed since `snapshot_before`; False if none did."""
    before, after = snapshot_changes(snapshot_before, case_snapshot(case))
    if not after:
        return False
    record_event(session, case, at=at, actor=actor, action=action, before=before, after=after)
    return True


async def record_reveal(
    session: AsyncSession,
    *,
    actor: str,
    at: datetime,
    conversation_id: str | None = None,
    register_number: str | None = None,
) -> None:
    """Keep who saw a chat's or a case's personal numbers unmasked, and when (committed now)."""
    session.add(
        PersonalDataReveal(
            at=at, actor=actor, conversation_id=conversation_id, register_number=register_number
        )
    )
    await session.commit()

"""Thin queries of the case notes; no business rules, no commits."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.note_tables import CaseNote


def add_note(session: AsyncSession, note: CaseNote) -> None:
    session.add(note)


async def notes_of_case(session: AsyncSession, case_id: int) -> Sequence[CaseNote]:
    """The case's notes, oldest first."""
    result = await session.execute(
        select(CaseNote).where(CaseNote.case_id == case_id).order_by(CaseNote.id)
    )
    return result.scalars().all()

"""Use cases of agents' private notes on a case: add one, list them.

Notes are for the institution's people only: no channel, no customer-facing route and
no case API answer reads them; only the console does.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import note_repository
from backend.db.note_tables import CaseNote
from backend.db.tables import Agent
from backend.domain.case_notes import check_note
from backend.services.cases import require_case


async def add_note(
    session: AsyncSession,
    register_number: str,
    text: object,
    *,
    author: Agent,
    now: datetime | None = None,
) -> CaseNote:
    """Keep a note of `author` on the case (committed); NoteRefused, CaseNotFound."""
    body = check_note(text)
    case = await require_case(session, register_number)
    note = CaseNote(
        case_id=case.id,
        agent_id=author.id,
        author=author.name,
        body=body,
        created_at=now or datetime.now(UTC),
    )
    note_repository.add_note(session, note)
    await session.commit()
    return note


async def case_notes(session: AsyncSession, register_number: str) -> Sequence[CaseNote]:
    """The case's notes, oldest first; CaseNotFound if there is no such case."""
    case = await require_case(session, register_number)
    return await note_repository.notes_of_case(session, case.id)

"""Use case of the status check: may this chat read the details of that case?"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import repository
from backend.db.tables import CaseEvent, CaseRecord
from backend.domain.contact_check import (
    FAILED_CHECKS_WINDOW,
    ContactOnFile,
    checks_left,
    contact_matches,
    owns_case,
)
from backend.domain.register_number import parse_register_number
from backend.services.audit import record_event
from backend.services.cases import CaseNotFound

FAILED = "contact_check_failed"
PASSED = "contact_check_passed"


@dataclass(frozen=True)
class ContactCheck:
    """The outcome: `case` is set only when the chat may read the details."""

    register_number: str
    verified: bool
    asks_for: str
    checks_left: int
    case: CaseRecord | None


async def check_contact(
    session: AsyncSession,
    register_number: str,
    conversation_id: str,
    answer: str | None,
    *,
    now: datetime,
) -> ContactCheck:
    """Verify a chat against the case; every wrong answer is written to the case's trail.

    Without an answer nothing is counted: the caller learns whether the chat filed the
    case and, if not, what to ask. The case row is locked while the answer is checked, so
    parallel guesses are counted one after the other.
    """
    case = await repository.case_for_update(session, parse_register_number(register_number))
    if case is None:
        raise CaseNotFound(register_number)
    contact = ContactOnFile(phone=case.phone, email=case.email)
    number = case.register_number
    if owns_case(case.conversation_id, conversation_id):
        await session.commit()
        return ContactCheck(number, True, contact.asks_for, checks_left([], now), case)
    left = checks_left(await _failures_since(session, case, now), now)
    if answer is None or left == 0:
        await session.commit()
        return ContactCheck(number, False, contact.asks_for, left, None)
    actor = f"customer:{conversation_id}"
    trail = {"conversation_id": conversation_id}
    if contact_matches(contact, answer):
        record_event(session, case, at=now, actor=actor, action=PASSED, before=None, after=trail)
        await session.commit()
        return ContactCheck(number, True, contact.asks_for, left, case)
    record_event(session, case, at=now, actor=actor, action=FAILED, before=None, after=trail)
    await session.commit()
    return ContactCheck(number, False, contact.asks_for, left - 1, None)


async def _failures_since(session: AsyncSession, case: CaseRecord, now: datetime) -> list[datetime]:
    result = await session.execute(
        select(CaseEvent.at).where(
            CaseEvent.case_id == case.id,
            CaseEvent.action == FAILED,
            CaseEvent.at >= now - FAILED_CHECKS_WINDOW,
        )
    )
    return list(result.scalars())

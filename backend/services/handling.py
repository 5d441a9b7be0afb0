"""Use cases of handling a case: status changes, rejection, extension, resolution, documents."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import repository
from backend.db.tables import CaseEvent, CaseRecord
from backend.domain.calendar import WorkingCalendar
from backend.domain.deadlines import working_days_taken
from backend.domain.handling import (
    InvalidAction,
    check_extension,
    check_plain_transition,
    check_rejection,
    documents_due,
    extended_resolution_due,
    facilitation_window_end,
    written_text,
)
from backend.domain.lifecycle import Status, check_transition, parse_status
from backend.domain.policy import InstitutionProfile
from backend.domain.register_number import parse_register_number
from backend.schemas import NAME_MAX_CHARS, case_snapshot
from backend.services.audit import record_change
from backend.services.cases import CaseNotFound, require_case

Change = Callable[[CaseRecord, datetime], None]


async def _change(
    session: AsyncSession,
    register_number: str,
    change: Change,
    *,
    actor: str,
    action: str,
    now: datetime | None,
) -> CaseRecord:
    """Lock the case, apply `change` as of `now` (it checks the rules), write the event, commit."""
    now = now or datetime.now(UTC)
    case = await repository.case_for_update(session, parse_register_number(register_number))
    if case is None:
        await _release(session)
        raise CaseNotFound(register_number)
    before = case_snapshot(case)
    try:
        change(case, now)
    except BaseException:
        await _release(session)
        raise
    if record_change(session, case, before, at=now, actor=actor, action=action):
        case.updated_at = now
    await session.commit()
    return case


async def _release(session: AsyncSession) -> None:
    """End a refused change's transaction, freeing the lock.

    With nothing pending it commits, which keeps the caller's loaded objects usable (a
    rollback would expire them); anything half-changed is rolled back.
    """
    if session.new or session.dirty or session.deleted:
        await session.rollback()
    else:
        await session.commit()


def _move(case: CaseRecord, target: Status) -> None:
    """Set the case's status, if its lifecycle allows the move."""
    check_transition(case.status, target)
    case.status = target


def _target_status(value: Any) -> Status:
    """The requested status; InvalidAction if it names none."""
    try:
        return parse_status(value)
    except (ValueError, TypeError):
        allowed = ", ".join(status.value for status in Status)
        raise InvalidAction("status", f"must be one of: {allowed}") from None


async def transition(
    session: AsyncSession,
    register_number: str,
    status: Any,
    *,
    actor: str,
    now: datetime | None = None,
) -> CaseRecord:
    """Move the case to `status` (in_progress or escalated; the others have their own action)."""
    target = _target_status(status)

    def change(case: CaseRecord, at: datetime) -> None:
        check_plain_transition(case.status, target)
        _move(case, target)

    return await _change(
        session, register_number, change, actor=actor, action="status_changed", now=now
    )


async def reject(
    session: AsyncSession,
    register_number: str,
    ground: Any,
    reason: Any,
    *,
    actor: str,
    now: datetime | None = None,
) -> CaseRecord:
    """Refuse the complaint on one of the three seed grounds, with a written reason."""

    def change(case: CaseRecord, at: datetime) -> None:
        check_transition(case.status, Status.REJECTED)
        case.rejection_ground, case.rejection_reason = check_rejection(
            ground, reason, documents_due_at=case.documents_due_at, now=at
        )
        case.status = Status.REJECTED
        case.rejected_at = at

    return await _change(session, register_number, change, actor=actor, action="rejected", now=now)


async def extend(
    session: AsyncSession,
    register_number: str,
    notice: Any,
    *,
    actor: str,
    profile: InstitutionProfile,
    calendar: WorkingCalendar,
    now: datetime | None = None,
) -> CaseRecord:
    """Extend a written complaint's resolution once, recording the notice sent to the customer."""
    text = written_text(notice, "notice")

    def change(case: CaseRecord, at: datetime) -> None:
        check_extension(
            status=case.status,
            submission_mode=case.submission_mode,
            resolution_due_at=case.resolution_due_at,
            extended_resolution_due_at=case.extended_resolution_due_at,
            extension_days=profile.extension_days,
            now=at,
        )
        case.extended_resolution_due_at = extended_resolution_due(
            case.resolution_due_at, profile.extension_days, calendar
        )
        case.extension_notice = text
        case.extension_sent_at = at

    return await _change(session, register_number, change, actor=actor, action="extended", now=now)


async def resolve(
    session: AsyncSession,
    register_number: str,
    response: Any,
    *,
    actor: str,
    calendar: WorkingCalendar,
    now: datetime | None = None,
) -> CaseRecord:
    """Resolve the case with its written response; the OJK facilitation window opens."""
    text = written_text(response, "response")

    def change(case: CaseRecord, at: datetime) -> None:
        _move(case, Status.RESOLVED)
        case.resolution_response = text
        case.resolved_at = at
        case.resolution_working_days = working_days_taken(case.received_at, at, calendar)
        case.facilitation_window_ends_at = facilitation_window_end(at, calendar)

    return await _change(session, register_number, change, actor=actor, action="resolved", now=now)


async def request_documents(
    session: AsyncSession,
    register_number: str,
    documents: Any,
    *,
    actor: str,
    profile: InstitutionProfile,
    calendar: WorkingCalendar,
    now: datetime | None = None,
) -> CaseRecord:
    """Ask the customer for documents; they are due in the profile's document days."""
    text = written_text(documents, "documents")

    def change(case: CaseRecord, at: datetime) -> None:
        _move(case, Status.WAITING_DOCUMENTS)
        case.requested_documents = text
        case.documents_requested_at = at
        case.documents_due_at = documents_due(at, profile.document_days, calendar)

    return await _change(
        session, register_number, change, actor=actor, action="documents_requested", now=now
    )


async def assign(
    session: AsyncSession,
    register_number: str,
    officer: Any,
    *,
    actor: str,
    now: datetime | None = None,
) -> CaseRecord:
    """Name the officer handling the case (the name the customer is given)."""
    name = written_text(officer, "officer", NAME_MAX_CHARS)

    def change(case: CaseRecord, at: datetime) -> None:
        case.officer = name

    return await _change(session, register_number, change, actor=actor, action="assigned", now=now)


async def case_events(session: AsyncSession, register_number: str) -> Sequence[CaseEvent]:
    """The audit trail of a case, oldest first; CaseNotFound if there is no such case."""
    case = await require_case(session, register_number)
    return await repository.events_of_case(session, case.id)

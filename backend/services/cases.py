"""Use cases of registering and finding cases."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import repository
from backend.db.tables import CaseRecord
from backend.domain.calendar import WIB, WorkingCalendar
from backend.domain.deadlines import case_deadlines, is_in_the_future
from backend.domain.handling import ANSWERED_STATUSES, due_within_cutoff, start_of_day
from backend.domain.lifecycle import Status
from backend.domain.policy import InstitutionProfile
from backend.domain.refusal import NotFound
from backend.domain.register_number import make_register_number, parse_register_number
from backend.schemas import CaseCreate, InvalidField, case_snapshot
from backend.schemas_handling import CaseQuery
from backend.services.audit import record_event
from backend.services.complainants import link_complainant

RUNNING_STATUSES = tuple(status.value for status in Status if status not in ANSWERED_STATUSES)


class CaseNotFound(NotFound):
    """No case has this register number."""

    what = "case"


async def open_case(
    session: AsyncSession,
    data: CaseCreate,
    *,
    profile: InstitutionProfile,
    calendar: WorkingCalendar,
    idempotency_key: str | None = None,
    now: datetime | None = None,
    actor: str = "api",
) -> tuple[CaseRecord, bool]:
    """Register a case with deadlines and register number; (case, created)."""
    if idempotency_key and (
        existing := await repository.case_by_idempotency_key(session, idempotency_key)
    ):
        return existing, False
    _check_against_profile(data, profile)
    now = now or datetime.now(UTC)
    if data.received_at is not None and is_in_the_future(data.received_at, now):
        raise InvalidField("received_at", "must not be in the future")
    received_at = data.received_at or now.replace(microsecond=0)
    submission_mode = profile.submission_mode(data.channel)
    deadlines = case_deadlines(received_at, submission_mode, profile, calendar)
    if data.conversation_id:
        await repository.ensure_conversation(session, data.conversation_id, data.channel, now)
    complainant_id = await link_complainant(session, data.full_name, data.phone, data.email, now)
    period = register_period(received_at)
    sequence = await repository.next_register_sequence(session, profile.register_prefix, period)
    case = CaseRecord(
        register_number=make_register_number(profile.register_prefix, received_at, sequence),
        idempotency_key=idempotency_key,
        status=Status.RECEIVED,
        complainant_type=data.complainant_type,
        user_role=data.user_role,
        complaint_type=data.complaint_type,
        category=data.category,
        priority=data.priority,
        full_name=data.full_name,
        phone=data.phone,
        email=data.email,
        description=data.description,
        product=data.product,
        officer=data.officer,
        channel=data.channel,
        submission_mode=submission_mode,
        received_at=received_at,
        first_response_due_at=deadlines.first_response_due_at,
        resolution_due_at=deadlines.resolution_due_at,
        conversation_id=data.conversation_id,
        complainant_id=complainant_id,
        created_at=now,
        updated_at=now,
    )
    session.add(case)
    try:
        await session.flush()
        record_event(
            session,
            case,
            at=now,
            actor=actor,
            action="opened",
            before=None,
            after=case_snapshot(case),
        )
        await session.commit()
    except IntegrityError:
        await session.rollback()
        # A concurrent request with the same key won the race: answer with its case.
        if idempotency_key and (
            existing := await repository.case_by_idempotency_key(session, idempotency_key)
        ):
            return existing, False
        raise
    return case, True


async def get_case(session: AsyncSession, register_number: str) -> CaseRecord | None:
    """The case with this register number; RegisterNumberError if the text cannot be one."""
    return await repository.case_by_register_number(session, parse_register_number(register_number))


async def require_case(session: AsyncSession, register_number: str) -> CaseRecord:
    """The case with this register number; CaseNotFound if there is none."""
    case = await get_case(session, register_number)
    if case is None:
        raise CaseNotFound(register_number)
    return case


async def list_cases_for_conversation(
    session: AsyncSession, conversation_id: str
) -> Sequence[CaseRecord]:
    """The cases opened from a chat, oldest first."""
    return await repository.cases_of_conversation(session, conversation_id)


async def find_cases(
    session: AsyncSession, query: CaseQuery, *, calendar: WorkingCalendar, now: datetime
) -> tuple[Sequence[CaseRecord], int]:
    """One page of the cases matching `query`, oldest first, and how many match in all."""
    criteria = repository.CaseCriteria(
        statuses=query.statuses,
        priorities=query.priorities,
        categories=query.categories,
        channels=query.channels,
        conversation_id=query.conversation_id,
        complainant_id=query.complainant_id,
        received_from=start_of_day(query.received_from) if query.received_from else None,
        received_before=(
            start_of_day(query.received_to + timedelta(days=1)) if query.received_to else None
        ),
        running_statuses=RUNNING_STATUSES,
        overdue_at=now if query.overdue is True else None,
        not_overdue_at=now if query.overdue is False else None,
        due_after=now if query.due_within is not None else None,
        due_until=(
            due_within_cutoff(now, query.due_within, calendar)
            if query.due_within is not None
            else None
        ),
    )
    return await repository.search_cases(session, criteria, limit=query.limit, offset=query.offset)


def register_period(received_at: datetime) -> str:
    """The period whose counter numbers a case: the WIB month of its receipt."""
    return received_at.astimezone(WIB).strftime("%Y-%m")


def _check_against_profile(data: CaseCreate, profile: InstitutionProfile) -> None:
    """Refuse a product or a user role the institution does not have."""
    if data.product is not None and data.product not in profile.products:
        raise InvalidField("product", f"must be one of: {', '.join(profile.products)}")
    if data.user_role is not None and data.user_role not in profile.roles:
        raise InvalidField("user_role", f"must be one of: {', '.join(profile.roles)}")

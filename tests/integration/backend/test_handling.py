"""Handling a case through the use cases, against a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from backend import services
from backend.db import repository
from backend.db.engine import Database
from backend.db.tables import CaseRecord
from backend.domain.calendar import WIB, WorkingCalendar
from backend.domain.handling import ActionRefused, InvalidAction
from backend.domain.lifecycle import IllegalTransition
from backend.domain.register_number import make_register_number
from backend.schemas import CaseCreate
from tests.integration.backend.support import PROFILE, case_body

CALENDAR = WorkingCalendar()
RECEIVED = datetime(2026, 11, 20, 10, tzinfo=WIB)  # a Friday
MONDAY = datetime(2026, 11, 23, 10, tzinfo=WIB)
AGENT = "Budi Santoso"


async def open_case(session: AsyncSession, **overrides: object) -> CaseRecord:
    case, _ = await services.open_case(
        session,
        CaseCreate.from_json(case_body(**overrides)),
        profile=PROFILE,
        calendar=CALENDAR,
        now=MONDAY,
    )
    return case


async def actions(session: AsyncSession, case: CaseRecord) -> list[tuple[str, str]]:
    return [(e.action, e.actor) for e in await repository.events_of_case(session, case.id)]


async def test_a_case_goes_from_received_to_in_progress_with_an_event(
    session: AsyncSession,
) -> None:
    case = await open_case(session)

    moved = await services.transition(
        session, case.register_number, "in_progress", actor=AGENT, now=MONDAY
    )

    events = await repository.events_of_case(session, case.id)
    assert moved.status == "in_progress"
    assert [(e.action, e.actor) for e in events] == [("opened", "api"), ("status_changed", AGENT)]
    assert (events[1].before, events[1].after) == (
        {"status": "received"},
        {"status": "in_progress"},
    )
    assert events[1].at == MONDAY


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        (["in_progress", "received"], "received"),
        (["escalated", "in_progress"], "in_progress"),
        (["in_progress", "in_progress"], "in_progress"),
    ],
)
async def test_an_illegal_transition_is_refused_and_changes_nothing(
    db: Database, path: list[str], refused: str
) -> None:
    async with db.session() as session:
        number = (await open_case(session)).register_number
        for status in path[:-1]:
            await services.transition(session, number, status, actor=AGENT)

    async with db.session() as session:
        with pytest.raises(IllegalTransition) as illegal:
            await services.transition(session, number, refused, actor=AGENT)
    async with db.session() as session:
        stored = await services.get_case(session, number)
        assert stored is not None
        assert stored.status == path[-2]
        assert len(await actions(session, stored)) == len(path)

    assert (illegal.value.current, illegal.value.new) == (path[-2], refused)


@pytest.mark.parametrize("status", ["resolved", "rejected", "waiting_documents"])
async def test_statuses_with_their_own_action_cannot_be_set_by_a_plain_transition(
    session: AsyncSession, status: str
) -> None:
    case = await open_case(session)

    with pytest.raises(InvalidAction) as refused:
        await services.transition(session, case.register_number, status, actor=AGENT)

    assert refused.value.field == "status"


@pytest.mark.parametrize("status", ["closed", None, 5])
async def test_an_unknown_status_is_invalid_input(session: AsyncSession, status: object) -> None:
    case = await open_case(session)

    with pytest.raises(InvalidAction):
        await services.transition(session, case.register_number, status, actor=AGENT)


async def test_acting_on_a_case_that_does_not_exist_raises_case_not_found(
    session: AsyncSession,
) -> None:
    await open_case(session)

    with pytest.raises(services.CaseNotFound):
        await services.assign(
            session, make_register_number("KP", RECEIVED, 999), "Rina", actor=AGENT
        )


async def test_rejecting_on_a_seed_ground_records_ground_reason_and_time(
    session: AsyncSession,
) -> None:
    case = await open_case(session)

    rejected = await services.reject(
        session,
        case.register_number,
        "unrelated_to_service",
        "Pengaduan tentang bank lain, bukan layanan KreditPro.",
        actor=AGENT,
        now=MONDAY,
    )

    assert rejected.status == "rejected"
    assert rejected.rejection_ground == "unrelated_to_service"
    assert rejected.rejection_reason == "Pengaduan tentang bank lain, bukan layanan KreditPro."
    assert rejected.rejected_at == MONDAY
    assert (await actions(session, rejected))[-1] == ("rejected", AGENT)


@pytest.mark.parametrize(
    ("ground", "reason", "field"),
    [
        ("customer_was_rude", "Tidak sopan.", "ground"),
        (None, "Tidak jelas.", "ground"),
        ("already_resolved", "   ", "reason"),
        ("already_resolved", None, "reason"),
    ],
)
async def test_a_rejection_without_a_valid_ground_or_reason_is_refused(
    db: Database, ground: object, reason: object, field: str
) -> None:
    async with db.session() as session:
        number = (await open_case(session)).register_number
        with pytest.raises(InvalidAction) as refused:
            await services.reject(session, number, ground, reason, actor=AGENT)
    async with db.session() as session:
        stored = await services.get_case(session, number)
        assert stored is not None and stored.status == "received"
        assert await actions(session, stored) == [("opened", "api")]

    assert refused.value.field == field


async def test_incomplete_documents_justify_a_rejection_only_after_their_due_date(
    session: AsyncSession,
) -> None:
    case = await open_case(session)
    waiting = await services.request_documents(
        session,
        case.register_number,
        "Fotokopi KTP",
        actor=AGENT,
        profile=PROFILE,
        calendar=CALENDAR,
        now=MONDAY,
    )
    due = waiting.documents_due_at
    assert due is not None

    with pytest.raises(ActionRefused) as early:
        await services.reject(
            session,
            case.register_number,
            "documents_incomplete",
            "KTP tidak dikirim.",
            actor=AGENT,
            now=due - timedelta(minutes=1),
        )
    rejected = await services.reject(
        session,
        case.register_number,
        "documents_incomplete",
        "KTP tidak dikirim.",
        actor=AGENT,
        now=due,
    )

    assert early.value.reason == "documents_not_overdue"
    assert rejected.status == "rejected"


async def test_requesting_documents_waits_for_them_for_the_profiles_document_days(
    session: AsyncSession,
) -> None:
    case = await open_case(session)

    waiting = await services.request_documents(
        session,
        case.register_number,
        "Fotokopi KTP dan bukti transfer",
        actor=AGENT,
        profile=PROFILE,
        calendar=CALENDAR,
        now=MONDAY,
    )

    assert waiting.status == "waiting_documents"
    assert waiting.requested_documents == "Fotokopi KTP dan bukti transfer"
    assert waiting.documents_requested_at == MONDAY
    assert waiting.documents_due_at == datetime(2026, 12, 7, 17, tzinfo=WIB)
    assert (await actions(session, waiting))[-1] == ("documents_requested", AGENT)


async def test_a_written_case_is_extended_once_with_the_notice_sent_to_the_customer(
    session: AsyncSession,
) -> None:
    case = await open_case(session, channel="letter")
    notice = "Yth. Ibu Siti, penanganan pengaduan Anda kami perpanjang 10 hari kerja."

    extended = await services.extend(
        session,
        case.register_number,
        notice,
        actor=AGENT,
        profile=PROFILE,
        calendar=CALENDAR,
        now=MONDAY,
    )

    assert extended.resolution_due_at == datetime(2026, 12, 4, 17, tzinfo=WIB)
    assert extended.extended_resolution_due_at == datetime(2026, 12, 18, 17, tzinfo=WIB)
    assert (extended.extension_notice, extended.extension_sent_at) == (notice, MONDAY)
    events = await repository.events_of_case(session, case.id)
    assert events[-1].action == "extended"
    assert events[-1].before == {
        "extended_resolution_due_at": None,
        "extension_notice": None,
        "extension_sent_at": None,
    }
    assert events[-1].after["extended_resolution_due_at"] == "2026-12-18T17:00:00+07:00"


async def test_a_second_extension_is_refused(session: AsyncSession) -> None:
    case = await open_case(session, channel="letter")
    await services.extend(
        session,
        case.register_number,
        "Perpanjangan pertama.",
        actor=AGENT,
        profile=PROFILE,
        calendar=CALENDAR,
        now=MONDAY,
    )

    with pytest.raises(ActionRefused) as refused:
        await services.extend(
            session,
            case.register_number,
            "Perpanjangan kedua.",
            actor=AGENT,
            profile=PROFILE,
            calendar=CALENDAR,
            now=MONDAY + timedelta(days=1),
        )

    assert refused.value.reason == "already_extended"


async def test_an_extension_after_the_first_deadline_is_refused(session: AsyncSession) -> None:
    case = await open_case(session, channel="letter")

    with pytest.raises(ActionRefused) as refused:
        await services.extend(
            session,
            case.register_number,
            "Terlambat.",
            actor=AGENT,
            profile=PROFILE,
            calendar=CALENDAR,
            now=case.resolution_due_at,
        )
    stored = await services.get_case(session, case.register_number)

    assert refused.value.reason == "deadline_passed"
    assert stored is not None and stored.extended_resolution_due_at is None


async def test_an_oral_complaint_cannot_be_extended(session: AsyncSession) -> None:
    case = await open_case(session, channel="phone")

    with pytest.raises(ActionRefused) as refused:
        await services.extend(
            session,
            case.register_number,
            "Perpanjangan.",
            actor=AGENT,
            profile=PROFILE,
            calendar=CALENDAR,
            now=MONDAY,
        )

    assert refused.value.reason == "oral_complaint"


async def test_resolving_records_the_response_and_the_ojk_facilitation_window(
    session: AsyncSession,
) -> None:
    case = await open_case(session)
    responded = datetime(2026, 11, 24, 10, tzinfo=WIB)

    resolved = await services.resolve(
        session,
        case.register_number,
        "Penagih telah ditegur; bunga denda dihapus.",
        actor=AGENT,
        calendar=CALENDAR,
        now=responded,
    )

    assert resolved.status == "resolved"
    assert resolved.resolution_response == "Penagih telah ditegur; bunga denda dihapus."
    assert resolved.resolved_at == responded
    assert resolved.facilitation_window_ends_at == datetime(2027, 2, 19, 17, tzinfo=WIB)
    assert (await actions(session, resolved))[-1] == ("resolved", AGENT)


async def test_resolving_without_a_written_response_is_refused(session: AsyncSession) -> None:
    case = await open_case(session)

    with pytest.raises(InvalidAction) as refused:
        await services.resolve(session, case.register_number, " ", actor=AGENT, calendar=CALENDAR)

    assert refused.value.field == "response"


async def test_a_resolved_case_can_be_escalated_but_not_resolved_again(
    session: AsyncSession,
) -> None:
    case = await open_case(session)
    await services.resolve(
        session, case.register_number, "Selesai.", actor=AGENT, calendar=CALENDAR
    )

    with pytest.raises(IllegalTransition):
        await services.resolve(
            session, case.register_number, "Lagi.", actor=AGENT, calendar=CALENDAR
        )
    escalated = await services.transition(session, case.register_number, "escalated", actor=AGENT)

    assert escalated.status == "escalated"


async def test_assigning_an_officer_is_recorded_and_reassigning_the_same_one_is_no_change(
    session: AsyncSession,
) -> None:
    case = await open_case(session)

    await services.assign(session, case.register_number, "Rina Wijaya", actor="supervisor")
    again = await services.assign(session, case.register_number, "Rina Wijaya", actor="supervisor")

    assert again.officer == "Rina Wijaya"
    events = await repository.events_of_case(session, case.id)
    assert [(e.action, e.before, e.after) for e in events[1:]] == [
        ("assigned", {"officer": None}, {"officer": "Rina Wijaya"})
    ]


async def test_every_change_writes_one_event_with_its_actor(session: AsyncSession) -> None:
    case = await open_case(session, channel="letter")
    number = case.register_number

    await services.assign(session, number, "Rina", actor="sup")
    await services.transition(session, number, "in_progress", actor="rina")
    await services.request_documents(
        session, number, "KTP", actor="rina", profile=PROFILE, calendar=CALENDAR, now=MONDAY
    )
    await services.transition(session, number, "in_progress", actor="rina")
    await services.extend(
        session,
        number,
        "Diperpanjang.",
        actor="rina",
        profile=PROFILE,
        calendar=CALENDAR,
        now=MONDAY,
    )
    await services.resolve(session, number, "Selesai.", actor="rina", calendar=CALENDAR)
    await services.transition(session, number, "escalated", actor="rina")

    assert [action for action, _ in await actions(session, case)] == [
        "opened",
        "assigned",
        "status_changed",
        "documents_requested",
        "status_changed",
        "extended",
        "resolved",
        "status_changed",
    ]
    assert [e.at.tzinfo for e in await repository.events_of_case(session, case.id)] == [UTC] * 8


async def test_concurrent_transitions_of_one_case_let_exactly_one_win(db: Database) -> None:
    async with db.session() as session:
        case = await open_case(session)

    async def resolve(n: int) -> str:
        async with db.session() as session:
            try:
                await services.resolve(
                    session,
                    case.register_number,
                    f"Jawaban {n}",
                    actor=f"agent-{n}",
                    calendar=CALENDAR,
                )
            except IllegalTransition:
                return "refused"
            return "resolved"

    outcomes = await asyncio.gather(*(resolve(n) for n in range(6)))

    async with db.session() as session:
        resolved_events = [a for a, _ in await actions(session, case) if a == "resolved"]
    assert sorted(outcomes) == ["refused"] * 5 + ["resolved"]
    assert resolved_events == ["resolved"]

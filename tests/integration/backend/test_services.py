"""The use cases against a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from backend import services
from backend.db import repository
from backend.db.engine import Database
from backend.db.tables import CaseRecord
from backend.domain.calendar import WIB, WorkingCalendar
from backend.domain.register_number import RegisterNumberError, parse_register_number
from backend.schemas import CaseCreate, InvalidField
from tests.integration.backend.support import PROFILE, case_body

CALENDAR = WorkingCalendar()
NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
DECEMBER = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)


async def open_case(
    session: AsyncSession, key: str | None = None, now: datetime = NOW, **overrides: object
) -> tuple[CaseRecord, bool]:
    return await services.open_case(
        session,
        CaseCreate.from_json(case_body(**overrides)),
        profile=PROFILE,
        calendar=CALENDAR,
        idempotency_key=key,
        now=now,
    )


async def test_a_phoned_complaint_is_oral_with_its_deadlines_at_17_wib(
    session: AsyncSession,
) -> None:
    case, created = await open_case(session)

    assert created
    assert case.submission_mode == "oral"
    assert case.status == "received"
    assert case.phone == "+6281234567890"
    assert case.first_response_due_at == datetime(2026, 11, 24, 17, tzinfo=WIB)
    assert case.resolution_due_at == datetime(2026, 11, 27, 17, tzinfo=WIB)


async def test_a_letter_received_after_hours_is_written_and_counts_from_the_next_working_day(
    session: AsyncSession,
) -> None:
    case, _ = await open_case(session, channel="letter", received_at="2026-11-20T18:30:00+07:00")

    assert case.submission_mode == "written"
    assert case.first_response_due_at == datetime(2026, 11, 25, 17, tzinfo=WIB)
    assert case.resolution_due_at == datetime(2026, 12, 7, 17, tzinfo=WIB)


async def test_a_case_without_received_at_is_received_now(session: AsyncSession) -> None:
    case, _ = await open_case(session, received_at=None)

    assert case.received_at == NOW


async def test_register_numbers_count_up_per_month_and_carry_a_valid_check_character(
    session: AsyncSession,
) -> None:
    first, _ = await open_case(session)
    second, _ = await open_case(session)
    next_month, _ = await open_case(session, received_at="2026-12-01T09:00:00+07:00", now=DECEMBER)

    assert first.register_number.startswith("KP-2611-00001")
    assert second.register_number.startswith("KP-2611-00002")
    assert next_month.register_number.startswith("KP-2612-00001")
    for case in (first, second, next_month):
        assert parse_register_number(case.register_number) == case.register_number


async def test_the_month_of_a_register_number_is_the_month_in_jakarta(
    session: AsyncSession,
) -> None:
    case, _ = await open_case(session, received_at="2026-11-30T18:00:00Z", now=DECEMBER)

    assert case.register_number.startswith("KP-2612-")


async def test_concurrent_cases_get_distinct_register_numbers(db: Database) -> None:
    async def one() -> str:
        async with db.session() as session:
            case, _ = await open_case(session)
            return case.register_number

    numbers = await asyncio.gather(*(one() for _ in range(8)))

    assert sorted(numbers) == sorted(set(numbers))
    assert len(numbers) == 8


async def test_a_repeated_idempotency_key_returns_the_first_case(session: AsyncSession) -> None:
    first, first_created = await open_case(session, key="retry-1")
    again, again_created = await open_case(session, key="retry-1", full_name="Someone Else")

    assert (first_created, again_created) == (True, False)
    assert again.register_number == first.register_number
    assert again.full_name == "Siti Rahayu"


async def test_concurrent_requests_with_one_idempotency_key_create_one_case(
    db: Database,
) -> None:
    async def one() -> tuple[str, bool]:
        async with db.session() as session:
            case, created = await open_case(session, key="same-key")
            return case.register_number, created

    results = await asyncio.gather(*(one() for _ in range(6)))

    assert len({number for number, _ in results}) == 1
    assert [created for _, created in results].count(True) == 1


async def test_opening_a_case_writes_an_opened_event_with_the_case(
    session: AsyncSession,
) -> None:
    case, _ = await open_case(session)

    events = await repository.events_of_case(session, case.id)

    assert [(event.action, event.actor) for event in events] == [("opened", "api")]
    assert events[0].before is None
    assert events[0].after["register_number"] == case.register_number
    assert events[0].after["resolution_due_at"] == "2026-11-27T17:00:00+07:00"


async def test_a_product_the_institution_does_not_offer_is_refused(
    session: AsyncSession,
) -> None:
    with pytest.raises(InvalidField) as refused:
        await open_case(session, product="Kartu kredit")

    assert refused.value.field == "product"


async def test_a_user_role_of_another_kind_of_institution_is_refused(
    session: AsyncSession,
) -> None:
    with pytest.raises(InvalidField) as refused:
        await open_case(session, user_role="customer")

    assert refused.value.field == "user_role"


async def test_a_case_from_a_chat_opens_the_conversation_and_is_listed_with_it(
    session: AsyncSession,
) -> None:
    case, _ = await open_case(session, channel="telegram", conversation_id="tg-42")

    conversation = await services.get_conversation(session, "tg-42")
    listed = await services.list_cases_for_conversation(session, "tg-42")

    assert conversation is not None
    assert conversation.channel == "telegram"
    assert [c.register_number for c in listed] == [case.register_number]
    assert await services.list_cases_for_conversation(session, "other") == []


async def test_get_case_finds_a_number_typed_in_lowercase_without_dashes(
    session: AsyncSession,
) -> None:
    case, _ = await open_case(session)

    found = await services.get_case(session, case.register_number.replace("-", "").lower())

    assert found is not None
    assert found.id == case.id


async def test_get_case_tells_a_mistyped_number_from_an_unknown_one(
    session: AsyncSession,
) -> None:
    case, _ = await open_case(session)
    digits = case.register_number
    swapped = digits[:-3] + digits[-2] + digits[-3] + digits[-1]

    with pytest.raises(RegisterNumberError) as mistyped:
        await services.get_case(session, swapped)

    assert mistyped.value.reason == "mistyped"


async def test_timestamps_come_back_as_aware_utc(db: Database) -> None:
    async with db.session() as session:
        case, _ = await open_case(session)
    async with db.session() as session:
        stored = await repository.case_by_register_number(session, case.register_number)

    assert stored is not None
    assert stored.received_at == datetime(2026, 11, 20, 3, tzinfo=UTC)
    assert stored.received_at.utcoffset() is not None
    assert stored.received_at.tzinfo == UTC


async def test_record_message_opens_the_conversation_and_appends_the_transcript(
    session: AsyncSession,
) -> None:
    conversation = await services.record_message(session, "web-1", "web", "user", "halo")
    await services.record_message(
        session, "web-1", "web", "bot", "Hi 👋!", payload={"buttons": [{"title": "Ya"}]}
    )

    messages = await repository.messages_of_conversation(session, "web-1")

    assert (conversation.id, conversation.channel, conversation.handled_by) == (
        "web-1",
        "web",
        "bot",
    )
    assert [(m.sender, m.text) for m in messages] == [("user", "halo"), ("bot", "Hi 👋!")]
    assert messages[1].payload == {"buttons": [{"title": "Ya"}]}


async def test_concurrent_first_messages_open_one_conversation(db: Database) -> None:
    async def say(text: str) -> None:
        async with db.session() as session:
            await services.record_message(session, "wa-7", "whatsapp", "user", text)

    await asyncio.gather(*(say(f"pesan {n}") for n in range(5)))

    async with db.session() as session:
        assert len(await repository.messages_of_conversation(session, "wa-7")) == 5


async def test_an_unknown_sender_is_refused(session: AsyncSession) -> None:
    with pytest.raises(ValueError, match="sender"):
        await services.record_message(session, "web-1", "web", "robot", "halo")


async def test_set_rating_stores_the_rating_and_a_later_one_replaces_it(
    session: AsyncSession,
) -> None:
    await services.record_message(session, "web-2", "web", "user", "halo")

    await services.set_rating(session, "web-2", 3)
    conversation = await services.set_rating(session, "web-2", 5)

    assert conversation.rating == 5


async def test_rating_an_unknown_conversation_raises_not_found(session: AsyncSession) -> None:
    with pytest.raises(services.ConversationNotFound):
        await services.set_rating(session, "nobody", 4)


async def test_a_rating_outside_one_to_five_is_refused(session: AsyncSession) -> None:
    await services.record_message(session, "web-3", "web", "user", "halo")

    with pytest.raises(InvalidField):
        await services.set_rating(session, "web-3", 6)


async def test_handing_a_chat_to_an_agent_is_stored(session: AsyncSession) -> None:
    await services.record_message(session, "web-4", "web", "user", "minta agen")

    conversation = await services.set_handled_by(session, "web-4", "agent")

    assert conversation.handled_by == "agent"

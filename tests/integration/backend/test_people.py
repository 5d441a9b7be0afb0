"""Complainants, agents and ratings in the database (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend import services
from backend.db import repository
from backend.db.engine import Database
from backend.db.tables import Complainant
from backend.domain.calendar import WorkingCalendar
from backend.schemas import CaseCreate, InvalidField
from tests.integration.backend.support import PROFILE, case_body

NOW = datetime(2026, 11, 23, 3, tzinfo=UTC)


async def open_case(session: AsyncSession, **overrides: object) -> int:
    case, _ = await services.open_case(
        session,
        CaseCreate.from_json(case_body(**overrides)),
        profile=PROFILE,
        calendar=WorkingCalendar(),
        now=NOW,
    )
    return case.complainant_id


async def complainants(session: AsyncSession) -> list[tuple[str, str | None, str | None]]:
    rows = await session.execute(
        select(Complainant.full_name, Complainant.phone, Complainant.email).order_by(Complainant.id)
    )
    return [tuple(row) for row in rows.all()]  # type: ignore[misc]


async def test_cases_with_the_same_phone_number_share_one_complainant(
    session: AsyncSession,
) -> None:
    first = await open_case(session, phone="0812-3456-7890")
    second = await open_case(session, phone="+62 812 3456 7890", full_name="Siti R.")

    assert first == second
    assert await complainants(session) == [("Siti Rahayu", "+6281234567890", None)]


async def test_an_email_links_cases_regardless_of_letter_case_and_fills_the_missing_phone(
    session: AsyncSession,
) -> None:
    first = await open_case(session, phone=None, email="Siti@Example.co.id")
    second = await open_case(session, phone="081234567890", email="siti@example.co.id")
    by_phone = await open_case(session, phone="081234567890", email=None)

    assert first == second == by_phone
    assert await complainants(session) == [("Siti Rahayu", "+6281234567890", "siti@example.co.id")]


async def test_different_people_get_different_complainants(session: AsyncSession) -> None:
    siti = await open_case(session, phone="081234567890")
    budi = await open_case(session, phone="081298765432", full_name="Budi")

    assert siti != budi


async def test_a_phone_of_one_complainant_and_an_email_of_another_link_to_the_phone(
    session: AsyncSession,
) -> None:
    by_phone = await open_case(session, phone="081234567890")
    by_email = await open_case(session, phone=None, email="budi@example.com", full_name="Budi")

    both = await open_case(session, phone="081234567890", email="budi@example.com")

    assert both == by_phone != by_email
    assert [row[2] for row in await complainants(session)] == [None, "budi@example.com"]


async def test_concurrent_first_cases_of_one_person_create_one_complainant(
    db: Database,
) -> None:
    async def one() -> int:
        async with db.session() as session:
            return await open_case(session, phone="081311112222", email="new@example.com")

    ids = await asyncio.gather(*(one() for _ in range(10)))

    async with db.session() as session:
        count = (await session.execute(select(func.count()).select_from(Complainant))).scalar()
    assert len(set(ids)) == 1
    assert count == 1


async def test_an_agent_is_registered_with_a_role_and_room_for_a_password_hash(
    session: AsyncSession,
) -> None:
    agent = await services.add_agent(
        session, "Rina Wijaya", "rina", "supervisor", password_hash="$argon2id$v=19$..."
    )

    stored = await repository.agent_by_username(session, "rina")
    assert stored is not None
    assert (stored.id, stored.name, stored.role, stored.active) == (
        agent.id,
        "Rina Wijaya",
        "supervisor",
        True,
    )
    assert stored.password_hash == "$argon2id$v=19$..."


@pytest.mark.parametrize(
    ("name", "username", "role", "field"),
    [
        ("Rina", "Rina Wijaya", "agent", "username"),
        ("Rina", "r", "agent", "username"),
        ("Rina", "rina", "admin", "role"),
    ],
)
async def test_an_agent_with_a_bad_username_or_role_is_refused(
    session: AsyncSession, name: str, username: str, role: str, field: str
) -> None:
    with pytest.raises(InvalidField) as refused:
        await services.add_agent(session, name, username, role)

    assert refused.value.field == field


async def test_a_taken_username_is_refused(session: AsyncSession) -> None:
    await services.add_agent(session, "Rina", "rina")

    with pytest.raises(InvalidField) as refused:
        await services.add_agent(session, "Rina Lain", "rina")

    assert refused.value.field == "username"


async def test_every_rating_is_kept_and_the_conversation_shows_the_latest(
    session: AsyncSession,
) -> None:
    await services.record_message(session, "web-5", "web", "user", "halo")

    await services.set_rating(session, "web-5", 2)
    conversation = await services.set_rating(session, "web-5", 5)

    ratings = await repository.ratings_of_conversation(session, "web-5")
    assert conversation.rating == 5
    assert [r.rating for r in ratings] == [2, 5]

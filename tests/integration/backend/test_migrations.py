"""The Alembic revisions build exactly the schema the models describe."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.command import downgrade
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import create_async_engine

from backend.db.engine import Database
from backend.db.migrate import alembic_config, upgrade, upgrade_async
from backend.db.tables import Base
from tests.conftest import POSTGRES_ADMIN_URL, _admin, unavailable


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_the_migrated_schema_matches_the_models(db: Database) -> None:
    async with db.engine.connect() as connection:
        differences = await connection.run_sync(_differences)

    assert differences == []


async def test_the_schema_is_at_the_head_revision(db: Database) -> None:
    async with db.engine.connect() as connection:
        tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
        revision = await connection.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_revision()
        )

    assert {"conversations", "messages", "cases", "case_events"} <= set(tables)
    head = ScriptDirectory.from_config(alembic_config(str(db.url))).get_current_head()
    assert revision == head


def test_upgrade_creates_the_folder_of_a_new_sqlite_file(tmp_path: Any) -> None:
    path = tmp_path / "nested" / "var" / "app.db"

    upgrade(f"sqlite+aiosqlite:///{path}")
    upgrade(f"sqlite+aiosqlite:///{path}")

    assert path.exists()


@pytest.fixture(
    params=[pytest.param("sqlite"), pytest.param("postgres", marks=pytest.mark.postgres)]
)
def unmigrated_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of its own: a new SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
        return
    name = f"aduan_migration_{secrets.token_hex(4)}"
    try:
        asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    except (OSError, SQLAlchemyError) as exc:
        unavailable(f"PostgreSQL is not available at {POSTGRES_ADMIN_URL}: {exc}")
    try:
        yield make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


OLD_CASE = (
    "INSERT INTO cases (id, register_number, status, complainant_type, complaint_type, "
    "category, priority, full_name, phone, email, description, channel, submission_mode, "
    "received_at, first_response_due_at, resolution_due_at, created_at, updated_at) VALUES "
    "(:id, :number, 'received', 'user', 'complaint', 'other', 'medium', :name, :phone, "
    ":email, 'x', 'web', 'written', :at, :at, :at, :at, :at)"
)
OLD_CASES = [
    (1, "Siti", "+6281234567890", None),
    (2, "Siti R.", None, "Siti@Example.com"),
    (3, "Siti", "+6281234567890", "siti@example.com"),
    (4, "Budi", "+6281298765432", None),
]


async def _query(url: str, statement: str, rows: list[dict[str, Any]] | None = None) -> Any:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            if rows is not None:
                for row in rows:
                    await connection.execute(text(statement), row)
                return None
            return (await connection.execute(text(statement))).all()
    finally:
        await engine.dispose()


async def test_upgrading_links_existing_cases_to_complainants_and_keeps_ratings(
    unmigrated_url: str,
) -> None:
    await upgrade_async(unmigrated_url, "0002")
    at = datetime(2026, 11, 20, 3, tzinfo=UTC)
    await _query(
        unmigrated_url,
        OLD_CASE,
        [
            {
                "id": case_id,
                "number": f"KP-2611-0000{case_id}X",
                "name": name,
                "phone": phone,
                "email": email,
                "at": at,
            }
            for case_id, name, phone, email in OLD_CASES
        ],
    )
    await _query(
        unmigrated_url,
        "INSERT INTO conversations (id, channel, handled_by, rating, created_at, updated_at) "
        "VALUES ('web-1', 'web', 'bot', 4, :at, :at)",
        [{"at": at}],
    )

    await upgrade_async(unmigrated_url)

    links = await _query(unmigrated_url, "SELECT id, complainant_id FROM cases ORDER BY id")
    people = await _query(
        unmigrated_url, "SELECT id, full_name, phone, email FROM complainants ORDER BY id"
    )
    ratings = await _query(unmigrated_url, "SELECT conversation_id, rating FROM ratings")
    siti, siti_by_email, budi = (row[0] for row in people)
    # Case 3 has Siti's phone and the e-mail of case 2: the phone decides, as at intake.
    assert [tuple(row) for row in links] == [(1, siti), (2, siti_by_email), (3, siti), (4, budi)]
    assert [tuple(row)[1:] for row in people] == [
        ("Siti", "+6281234567890", None),
        ("Siti R.", None, "siti@example.com"),
        ("Budi", "+6281298765432", None),
    ]
    assert [tuple(row) for row in ratings] == [("web-1", 4)]


async def test_the_handling_revision_downgrades_cleanly(unmigrated_url: str) -> None:
    await upgrade_async(unmigrated_url)

    await asyncio.to_thread(downgrade, alembic_config(unmigrated_url), "0002")
    database = Database(unmigrated_url)
    try:
        async with database.engine.connect() as connection:
            tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
            columns = await connection.run_sync(
                lambda sync: {c["name"] for c in inspect(sync).get_columns("cases")}
            )
    finally:
        await database.dispose()

    assert not {"complainants", "agents", "documents", "ratings"} & set(tables)
    assert "complainant_id" not in columns
    await upgrade_async(unmigrated_url)

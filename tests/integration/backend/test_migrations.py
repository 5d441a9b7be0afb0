"""The Alembic revisions build exactly the schema the models describe."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from backend.db.engine import Database
from backend.db.migrate import alembic_config, upgrade
from backend.db.tables import Base


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

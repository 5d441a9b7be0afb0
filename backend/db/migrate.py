"""Programmatic `alembic upgrade head`, for the CLI and for tests."""

from __future__ import annotations

import asyncio
import sys

from alembic import command
from alembic.config import Config

from backend.settings import ROOT


def alembic_config(database_url: str) -> Config:
    """The repository's alembic.ini, pointed at `database_url`."""
    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["database_url"] = database_url
    config.attributes["configure_logging"] = False
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the schema up to `revision`; call it where no event loop runs."""
    command.upgrade(alembic_config(database_url), revision)


async def upgrade_async(database_url: str, revision: str = "head") -> None:
    """`upgrade` from async code: the migration runs its own loop in a worker thread."""
    await asyncio.to_thread(upgrade, database_url, revision)


def main() -> None:
    """`python -m backend.db.migrate`: upgrade the database named by the settings."""
    from backend.settings import Settings

    upgrade(Settings.from_env().database_url)
    sys.stdout.write("database schema is up to date\n")


if __name__ == "__main__":
    main()

"""Fixtures shared by every tier: a migrated SQLite file, a PostgreSQL database, the URLs
of Redis and RabbitMQ.

`database_url` is parametrised over both databases. PostgreSQL, Redis and RabbitMQ tests
skip when the server is unreachable on a laptop, and fail instead when CI is set. Each run
creates its own PostgreSQL database (dropped at the end) and empties its tables before
every test.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from backend.db.engine import Database
from backend.db.migrate import upgrade
from backend.db.tables import Base

POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
RABBITMQ_URL = os.environ.get("TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def unavailable(reason: str) -> None:
    """Skip on a laptop; in CI a missing service is a failure, never a skip."""
    if in_ci():
        pytest.fail(f"{reason} (CI is set, so this fails instead of skipping)", pytrace=False)
    pytest.skip(reason)


def require_server(name: str, url: str, default_port: int) -> str:
    """`url` if its server accepts a connection, else skip (fail in CI); the URL is shown
    without its password."""
    address = urlsplit(url)
    try:
        with socket.create_connection((address.hostname, address.port or default_port), timeout=1):
            pass
    except OSError as exc:
        shown = url.replace(f":{address.password}@", ":***@") if address.password else url
        unavailable(f"{name} is not available at {shown}: {exc}")
    return url


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The Redis of the tests (`TEST_REDIS_URL`); tests keep to keys and channels of their own."""
    return require_server("Redis", REDIS_URL, 6379)


@pytest.fixture(scope="session")
def rabbitmq_url() -> str:
    """The RabbitMQ of the tests (`TEST_RABBITMQ_URL`); tests keep to queues of their own."""
    return require_server("RabbitMQ", RABBITMQ_URL, 5672)


async def _admin(statement: str) -> None:
    engine = create_async_engine(
        POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"timeout": 5}
    )
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once per run; each test gets a copy."""
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL database of this run, migrated; dropped at the end."""
    name = f"aduan_test_{secrets.token_hex(4)}"
    try:
        asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    except (OSError, SQLAlchemyError) as exc:
        unavailable(f"PostgreSQL is not available at {POSTGRES_ADMIN_URL}: {exc}")
    url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(
    params=[pytest.param("sqlite"), pytest.param("postgres", marks=pytest.mark.postgres)]
)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty, migrated database: SQLite, then PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "app.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite+aiosqlite:///{path}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    """A Database on `database_url`, its tables emptied first."""
    database = Database(database_url)
    if not database.is_sqlite:
        tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
        async with database.engine.begin() as connection:
            await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield database
    await database.dispose()


@pytest.fixture
async def session(db: Database) -> AsyncIterator[AsyncSession]:
    async with db.session() as session:
        yield session

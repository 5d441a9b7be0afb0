"""`python -m backend.cli create-supervisor`: the first console account, password from stdin."""

from __future__ import annotations

import asyncio
import io
import secrets
from pathlib import Path

import pytest

from backend.console.passwords import Argon2Passwords
from backend.console.supervisor import create_supervisor
from backend.db import repository
from backend.db.engine import Database
from backend.settings import Settings


def settings_for(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        app_api_token=secrets.token_urlsafe(24),
        rasa_auth_token=secrets.token_urlsafe(24),
        rasa_url="http://127.0.0.1:9",
        actions_url="http://127.0.0.1:9",
        var_dir=tmp_path,
    )


async def stored(database_url: str, username: str) -> tuple[str, str, str | None]:
    database = Database(database_url)
    try:
        async with database.session() as session:
            agent = await repository.agent_by_username(session, username)
    finally:
        await database.dispose()
    assert agent is not None
    return agent.name, str(agent.role), agent.password_hash


def test_a_supervisor_is_created_with_the_password_read_from_stdin(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    username = f"sari{secrets.token_hex(3)}"
    settings = settings_for(database_url, tmp_path)

    code = create_supervisor(settings, username, "Sari Wijaya", io.StringIO("a long passphrase\n"))

    name, role, password_hash = asyncio.run(stored(database_url, username))
    assert code == 0
    assert (name, role) == ("Sari Wijaya", "supervisor")
    assert password_hash and password_hash.startswith("$argon2id$")
    assert Argon2Passwords().verify(password_hash, "a long passphrase")
    assert "created" in capsys.readouterr().out


def test_a_short_password_creates_nobody(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_for(database_url, tmp_path)

    code = create_supervisor(settings, "budi", "Budi", io.StringIO("short\n"))

    assert code == 2
    assert "password" in capsys.readouterr().err

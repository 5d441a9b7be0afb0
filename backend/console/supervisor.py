"""`python -m backend.cli create-supervisor`: the console's first account, password from stdin."""

from __future__ import annotations

import asyncio
import getpass
import sys
from typing import TextIO

from backend.console.passwords import Argon2Passwords
from backend.domain.agents import AgentRole
from backend.schemas import InvalidField
from backend.services import accounts
from backend.services.unit_of_work import opened_database
from backend.settings import Settings


class PasswordMismatch(ValueError):
    """The two typed passwords differ."""


def read_password(stdin: TextIO) -> str:
    """The password: typed twice at a prompt, or the first line of piped input."""
    if stdin.isatty():
        password = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != password:
            raise PasswordMismatch("the passwords differ")
        return password
    return stdin.readline().rstrip("\r\n")


async def _create(settings: Settings, username: str, name: str, password: str) -> None:
    async with opened_database(settings.database_url) as database, database.session() as session:
        await accounts.create_agent(
            session,
            name=name,
            username=username,
            role=AgentRole.SUPERVISOR,
            password=password,
            hasher=Argon2Passwords(),
        )


def create_supervisor(
    settings: Settings, username: str, name: str, stdin: TextIO | None = None
) -> int:
    """Create a supervisor; 0 on success, 2 with the reason on standard error otherwise."""
    try:
        password = read_password(stdin or sys.stdin)
        asyncio.run(_create(settings, username, name, password))
    except PasswordMismatch as exc:
        print(f"password: {exc}", file=sys.stderr)
        return 2
    except InvalidField as exc:
        print(f"{exc.field}: {exc.detail}", file=sys.stderr)
        return 2
    print(f"supervisor {username.strip().lower()} created; log in at {settings.app_url}/console")
    return 0

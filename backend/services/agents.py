"""Use cases of agents: the console's users (it hashes and checks their passwords)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import repository
from backend.db.tables import Agent
from backend.domain.agents import AgentRole, check_username
from backend.domain.handling import written_text
from backend.schemas import NAME_MAX_CHARS, InvalidField


async def add_agent(
    session: AsyncSession,
    name: str,
    username: str,
    role: str = AgentRole.AGENT,
    *,
    password_hash: str | None = None,
    now: datetime | None = None,
) -> Agent:
    """Register an agent or supervisor; InvalidField if the username is taken or malformed."""
    try:
        username = check_username(username)
    except ValueError as exc:
        raise InvalidField("username", str(exc)) from None
    try:
        parsed_role = AgentRole(role)
    except ValueError:
        raise InvalidField("role", "must be agent or supervisor") from None
    now = now or datetime.now(UTC)
    agent = Agent(
        name=written_text(name, "name", NAME_MAX_CHARS),
        username=username,
        role=parsed_role,
        password_hash=password_hash,
        active=True,
        created_at=now,
        updated_at=now,
    )
    repository.add_agent(session, agent)
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        raise InvalidField("username", "already taken") from None
    return agent

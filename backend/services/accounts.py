"""Use cases of console access: log in (throttled), sessions, creating and deactivating agents."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import agent_repository, repository
from backend.db.console_tables import ConsoleSession
from backend.db.tables import Agent
from backend.domain.access import SESSION_LIFETIME, WeakPassword, check_password
from backend.domain.agents import AgentRole
from backend.domain.refusal import NotFound, Refused
from backend.schemas import InvalidField
from backend.services.agents import add_agent

USERNAME_MAX_CHARS = 64
ADDRESS_MAX_CHARS = 64


class PasswordHasher(Protocol):
    """Hashes and checks passwords (argon2 in the app, something quick in tests)."""

    dummy_hash: str

    def hash(self, password: str) -> str: ...

    async def check(self, password_hash: str, password: str) -> bool: ...


class Refusal(Protocol):
    """A refused attempt: the seconds until one more is allowed."""

    @property
    def retry_after(self) -> int: ...


class LoginLimits(Protocol):
    """Counts login attempts per user name, address and in total (the app's rate limits)."""

    async def login(self, username: str, address: str) -> Refusal | None: ...

    async def logged_in(self, username: str) -> None: ...


class LoginFailed(Refused):
    """Wrong username or password, or a deactivated agent (the console does not say which)."""

    status = 401
    error = "unauthorized"


class LoginThrottled(Refused):
    """Too many attempts for this user name, from this address or in total; try again later."""

    status = 429
    error = "rate_limited"

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(f"try again in {retry_after_seconds} s")
        self.retry_after_seconds = retry_after_seconds


class AgentRefused(Refused):
    """A change of agents the console does not allow (409); `detail` says why."""

    status = 409
    error = "conflict"


class AgentNotFound(NotFound):
    """No agent has this id."""

    what = "agent"


@dataclass(frozen=True)
class SignedIn:
    """A console session: the agent, the cookie's token and the session's CSRF token."""

    agent: Agent
    token: str
    csrf_token: str


def token_hash(token: str) -> str:
    """What the database keeps of a session token."""
    return hashlib.sha256(token.encode()).hexdigest()


async def log_in(
    session: AsyncSession,
    username: str,
    password: str,
    *,
    address: str,
    hasher: PasswordHasher,
    limits: LoginLimits,
    now: datetime | None = None,
) -> SignedIn:
    """Check the password outside any transaction, then open a console session in a short one.

    Every attempt counts before the hash is computed, so parallel guesses cannot slip past
    a limit; over one, LoginThrottled without hashing. A correct password clears the count
    of its user name.
    """
    now = now or datetime.now(UTC)
    username = username.strip().lower()[:USERNAME_MAX_CHARS]
    refused = await limits.login(username, address[:ADDRESS_MAX_CHARS])
    if refused is not None:
        raise LoginThrottled(refused.retry_after)
    agent = await repository.agent_by_username(session, username) if username else None
    await session.commit()  # ends the read (objects stay loaded): none open while hashing
    stored = agent.password_hash if agent is not None and agent.active else None
    # The same work for unknown users: timing tells nobody which usernames exist.
    matches = await hasher.check(stored or hasher.dummy_hash, password)
    if agent is None or not stored or not matches:
        raise LoginFailed("wrong username or password")
    await limits.logged_in(username)
    token, csrf_token = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    await agent_repository.delete_sessions(session, expired_at=now)
    session.add(
        ConsoleSession(
            token_hash=token_hash(token),
            agent_id=agent.id,
            csrf_token=csrf_token,
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
        )
    )
    await session.commit()
    return SignedIn(agent, token, csrf_token)


async def signed_in(
    session: AsyncSession, token: str, *, now: datetime | None = None
) -> SignedIn | None:
    """The session of this cookie token, if it is current and its agent is active."""
    found = await agent_repository.session_with_agent(
        session, token_hash(token), now or datetime.now(UTC)
    )
    await session.commit()
    if found is None:
        return None
    console_session, agent = found
    return SignedIn(agent, token, console_session.csrf_token)


async def log_out(session: AsyncSession, token: str) -> None:
    """End the session of this token."""
    await agent_repository.delete_session(session, token_hash(token))
    await session.commit()


async def create_agent(
    session: AsyncSession,
    *,
    name: str,
    username: str,
    role: str,
    password: str,
    hasher: PasswordHasher,
    now: datetime | None = None,
) -> Agent:
    """Register an agent or supervisor with a password; InvalidField names what is wrong."""
    try:
        check_password(password)
    except WeakPassword as exc:
        raise InvalidField("password", str(exc)) from None
    password_hash = await asyncio.to_thread(hasher.hash, password)
    return await add_agent(
        session,
        name,
        username.strip().lower(),
        role or AgentRole.AGENT,
        password_hash=password_hash,
        now=now,
    )


async def deactivate_agent(
    session: AsyncSession, agent_id: int, *, actor: Agent, now: datetime | None = None
) -> Agent:
    """Stop an agent from logging in and end their sessions; never one's own account."""
    agent = await agent_repository.agent_by_id(session, agent_id)
    if agent is None:
        await session.rollback()
        raise AgentNotFound(agent_id)
    if agent.id == actor.id:
        await session.rollback()
        raise AgentRefused("you cannot deactivate your own account")
    agent.active = False
    agent.updated_at = now or datetime.now(UTC)
    await agent_repository.delete_sessions(session, agent_id=agent.id)
    await session.commit()
    return agent


async def list_agents(session: AsyncSession, *, active_only: bool = False) -> Sequence[Agent]:
    """The console's users by name."""
    found = await agent_repository.agents(session, active_only=active_only)
    await session.commit()
    return found

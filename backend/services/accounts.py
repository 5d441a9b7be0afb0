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

from backend.db import console_repository, repository
from backend.db.console_tables import ConsoleSession, LoginFailure
from backend.db.tables import Agent
from backend.domain.access import (
    LOGIN_FAILURE_WINDOW,
    SESSION_LIFETIME,
    WeakPassword,
    check_password,
    login_throttled,
)
from backend.domain.agents import AgentRole
from backend.schemas import InvalidField
from backend.services.agents import add_agent

USERNAME_MAX_CHARS = 64
ADDRESS_MAX_CHARS = 64


class PasswordHasher(Protocol):
    """Hashes and checks passwords (argon2 in the app, something quick in tests)."""

    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...


class LoginFailed(Exception):
    """Wrong username or password, or a deactivated agent (the console does not say which)."""


class LoginThrottled(Exception):
    """Too many failures for this username from this address; try again later."""

    retry_after_seconds = int(LOGIN_FAILURE_WINDOW.total_seconds())


class AgentRefused(Exception):
    """A change of agents the console does not allow; `detail` says why."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


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
    dummy_hash: str,
    now: datetime | None = None,
) -> SignedIn:
    """Check the password and open a session; LoginThrottled after 5 failures in 15 minutes."""
    now = now or datetime.now(UTC)
    username = username.strip().lower()[:USERNAME_MAX_CHARS]
    address = address[:ADDRESS_MAX_CHARS]
    since = now - LOGIN_FAILURE_WINDOW
    failures = await console_repository.count_login_failures(session, username, address, since)
    if login_throttled(failures):
        await session.rollback()
        raise LoginThrottled()
    agent = await repository.agent_by_username(session, username) if username else None
    stored = agent.password_hash if agent is not None and agent.active else None
    # The same work for unknown users: timing tells nobody which usernames exist.
    matches = await asyncio.to_thread(hasher.verify, stored or dummy_hash, password)
    if agent is None or not stored or not matches:
        session.add(LoginFailure(username=username, address=address, at=now))
        await console_repository.delete_login_failures(session, before=since)
        await session.commit()
        raise LoginFailed()
    await console_repository.delete_login_failures(session, username=username, address=address)
    await console_repository.delete_sessions(session, expired_at=now)
    token, csrf_token = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
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
    found = await console_repository.session_with_agent(
        session, token_hash(token), now or datetime.now(UTC)
    )
    await session.commit()
    if found is None:
        return None
    console_session, agent = found
    return SignedIn(agent, token, console_session.csrf_token)


async def log_out(session: AsyncSession, token: str) -> None:
    """End the session of this token."""
    await console_repository.delete_session(session, token_hash(token))
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
    agent = await console_repository.agent_by_id(session, agent_id)
    if agent is None:
        await session.rollback()
        raise InvalidField("agent", "no such agent")
    if agent.id == actor.id:
        await session.rollback()
        raise AgentRefused("you cannot deactivate your own account")
    agent.active = False
    agent.updated_at = now or datetime.now(UTC)
    await console_repository.delete_sessions(session, agent_id=agent.id)
    await session.commit()
    return agent


async def list_agents(session: AsyncSession, *, active_only: bool = False) -> Sequence[Agent]:
    """The console's users by name."""
    found = await console_repository.agents(session, active_only=active_only)
    await session.commit()
    return found

"""Who may use the agent console: passwords, sessions, roles (login limits: rate_limits.py)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from backend.domain.agents import AgentRole

PASSWORD_MIN_CHARS = 12
PASSWORD_MAX_CHARS = 1024
SESSION_LIFETIME = timedelta(hours=10)
CONSOLE_HOME = "/console"


class WeakPassword(ValueError):
    """A password the console refuses to set."""


def check_password(password: object) -> str:
    """A password of 12 to 1024 characters that is not all one character."""
    if not isinstance(password, str) or len(password) < PASSWORD_MIN_CHARS:
        raise WeakPassword(f"must have at least {PASSWORD_MIN_CHARS} characters")
    if len(password) > PASSWORD_MAX_CHARS:
        raise WeakPassword(f"must have at most {PASSWORD_MAX_CHARS} characters")
    if len(set(password)) < 4:
        raise WeakPassword("must not repeat so few characters")
    return password


def can_manage_agents(role: str) -> bool:
    """Only supervisors create and deactivate agents."""
    return role == AgentRole.SUPERVISOR


def may_move_chat(role: str, actor_id: int, holder_id: int | None) -> bool:
    """Take over, assign, hand back: a chat nobody holds, one's own, or any for a supervisor."""
    return holder_id is None or holder_id == actor_id or role == AgentRole.SUPERVISOR


def safe_next(target: object) -> str:
    """Where to go after login: a console path on this site, else the console's home."""
    if not isinstance(target, str) or not target.startswith(CONSOLE_HOME):
        return CONSOLE_HOME
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target or "//" in target:
        return CONSOLE_HOME
    return target

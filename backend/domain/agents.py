"""The people who handle cases: agents and their supervisors."""

from __future__ import annotations

import re
from enum import StrEnum

USERNAME = re.compile(r"[a-z][a-z0-9._-]{1,63}")


class AgentRole(StrEnum):
    """An agent handles cases; a supervisor also oversees other agents' cases."""

    AGENT = "agent"
    SUPERVISOR = "supervisor"


def check_username(username: str) -> str:
    """A login name: 2 to 64 lowercase letters, digits, `.`, `_` or `-`, starting with a letter."""
    if not isinstance(username, str) or not USERNAME.fullmatch(username):
        raise ValueError("username must be 2-64 of a-z 0-9 . _ -, starting with a letter")
    return username

"""Round-robin assignment: which online agent a newly waiting chat goes to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class AgentLoad:
    """An online agent, the chats they hold now and when they were last given one."""

    agent_id: int
    open_chats: int
    last_assigned_at: datetime | None = None


def next_agent(online: list[AgentLoad]) -> int | None:
    """The agent with the fewest open chats; on a tie, the one whose turn is longest past.

    An agent never given a chat comes first among equals, then the lowest id; None when
    nobody is online (the chat waits in the queue).
    """
    if not online:
        return None

    def turn(load: AgentLoad) -> tuple[int, int, float, int]:
        never = load.last_assigned_at is None
        when = 0.0 if load.last_assigned_at is None else load.last_assigned_at.timestamp()
        return (load.open_chats, 0 if never else 1, when, load.agent_id)

    return min(online, key=turn).agent_id

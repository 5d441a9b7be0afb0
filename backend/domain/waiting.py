"""A waiting customer's place in the agents' queue. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Iterable

from backend.domain.handoff import QueueEntry, in_queue_order


def queue_place(entries: Iterable[QueueEntry], conversation_id: str) -> int | None:
    """The chat's place (1 = next) among the chats waiting for an agent, in the console
    queue's order (priority, then waiting since); None when it does not wait."""
    waiting = [e for e in entries if e.kind == "chat" and e.state == "waiting"]
    for place, entry in enumerate(in_queue_order(waiting), start=1):
        if entry.conversation_id == conversation_id:
            return place
    return None

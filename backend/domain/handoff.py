"""Handing a chat to a person: when it happens, and the order of the agents' queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from backend.domain.lifecycle import Priority, Status

PRIORITY_RANK = {
    Priority.EMERGENCY: 0,
    Priority.HIGH: 1,
    Priority.MEDIUM: 2,
    Priority.LOW: 3,
}


class HandoffReason(StrEnum):
    """Why a chat went to a person."""

    REQUESTED = "requested"  # the customer asked for a person
    FALLBACK = "fallback"  # the bot failed to understand twice
    EMERGENCY = "emergency"  # an emergency complaint during operating hours
    AGENT = "agent"  # an agent took the chat over from the console


def parse_reason(value: object) -> HandoffReason:
    """The reason named by `value`; ValueError if it names none."""
    if not isinstance(value, str):
        raise ValueError("reason must be a string")
    return HandoffReason(value.strip().lower())


def should_hand_off(reason: HandoffReason, open_now: bool) -> bool:
    """An emergency goes to a person only while agents work; a request always joins the queue."""
    return open_now or reason != HandoffReason.EMERGENCY


def chat_priority(reason: HandoffReason, case_priorities: list[str]) -> Priority:
    """A waiting chat ranks as its most urgent case, at least high: a person is waiting."""
    if reason == HandoffReason.EMERGENCY:
        return Priority.EMERGENCY
    ranks = [Priority(p) for p in case_priorities] + [Priority.HIGH]
    return min(ranks, key=PRIORITY_RANK.__getitem__)


def case_next_due(
    status: str,
    first_response_due_at: datetime,
    resolution_due_at: datetime,
    extended_resolution_due_at: datetime | None,
) -> datetime:
    """The deadline an agent works to next: the first response while received, else resolution."""
    if status == Status.RECEIVED:
        return first_response_due_at
    return extended_resolution_due_at or resolution_due_at


@dataclass(frozen=True)
class QueueEntry:
    """One line of the agents' queue: a chat waiting for (or held by) an agent, or an open case."""

    kind: str  # "chat" or "case"
    priority: Priority
    due_at: datetime
    title: str
    channel: str
    state: str
    agent: str | None = None
    conversation_id: str | None = None
    register_number: str | None = None

    def sort_key(self) -> tuple[int, datetime, int]:
        """Priority first, then the earliest due (a chat is due since it asked); chats on a tie."""
        return (PRIORITY_RANK[self.priority], self.due_at, 0 if self.kind == "chat" else 1)


def in_queue_order(entries: list[QueueEntry]) -> list[QueueEntry]:
    """The queue as agents see it: most urgent first, then by due time."""
    return sorted(entries, key=QueueEntry.sort_key)

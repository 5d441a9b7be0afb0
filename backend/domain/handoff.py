"""Handing a chat to a person: when it happens, and the order of the agents' queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from backend.domain.handling import ANSWERED_STATUSES
from backend.domain.lifecycle import Priority, Status

PRIORITY_RANK = {
    Priority.EMERGENCY: 0,
    Priority.HIGH: 1,
    Priority.MEDIUM: 2,
    Priority.LOW: 3,
}
VISIBLE_ID_CHARS = 4  # a chat's id may be a phone number: show no more than a masked number


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


def case_queue_rank(status: str, priority: str) -> int | None:
    """A case's place among priorities while it runs (0 = emergency); None once answered."""
    if status in ANSWERED_STATUSES:
        return None
    return PRIORITY_RANK[Priority(priority)]


def chat_rank(reason: str, has_running_emergency: bool) -> int:
    """A waiting chat's rank: emergency (0) for an emergency, else high (1): a person waits."""
    return 0 if reason == HandoffReason.EMERGENCY or has_running_emergency else 1


def priority_of_rank(rank: int) -> Priority:
    """The priority a rank stands for."""
    return next(priority for priority, value in PRIORITY_RANK.items() if value == rank)


def masked_id(conversation_id: str) -> str:
    """A chat's id as agents may see it before a name is known: only its last characters."""
    return "…" + conversation_id[-VISIBLE_ID_CHARS:] if conversation_id else "…"


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
    unread: int = 0  # the customer's messages since this agent last opened the chat
    name_known: bool = True  # False: the title is the channel and a masked id

    def sort_key(self) -> tuple[int, datetime, int]:
        """Priority first, then the earliest due (a chat is due since it asked); chats on a tie."""
        return (PRIORITY_RANK[self.priority], self.due_at, 0 if self.kind == "chat" else 1)


def in_queue_order(entries: list[QueueEntry]) -> list[QueueEntry]:
    """The queue as agents see it: most urgent first, then by due time."""
    return sorted(entries, key=QueueEntry.sort_key)

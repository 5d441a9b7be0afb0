"""A waiting customer's place in the agents' queue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from backend.domain.handoff import QueueEntry
from backend.domain.lifecycle import Priority
from backend.domain.waiting import queue_place

T0 = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)


def chat(
    conversation_id: str, priority: Priority, minutes: int, state: str = "waiting"
) -> QueueEntry:
    return QueueEntry(
        kind="chat",
        priority=priority,
        due_at=T0 + timedelta(minutes=minutes),
        title=conversation_id,
        channel="web",
        state=state,
        conversation_id=conversation_id,
    )


def test_waiting_chats_are_placed_by_priority_then_by_how_long_they_wait() -> None:
    entries = [
        chat("web-late-high", Priority.HIGH, 5),
        chat("web-early-high", Priority.HIGH, 1),
        chat("web-emergency", Priority.EMERGENCY, 9),
    ]

    assert [
        queue_place(entries, c) for c in ("web-emergency", "web-early-high", "web-late-high")
    ] == [
        1,
        2,
        3,
    ]


def test_chats_held_by_an_agent_and_cases_do_not_count() -> None:
    case = QueueEntry(
        kind="case",
        priority=Priority.EMERGENCY,
        due_at=T0,
        title="Budi",
        channel="web",
        state="received",
        conversation_id="web-case",
    )
    entries = [
        case,
        chat("web-held", Priority.EMERGENCY, 0, "held"),
        chat("web-me", Priority.HIGH, 3),
    ]

    assert queue_place(entries, "web-me") == 1
    assert queue_place(entries, "web-held") is None
    assert queue_place(entries, "web-nobody") is None

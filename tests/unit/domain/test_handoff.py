"""When a chat goes to a person, and the order of the agents' queue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from backend.domain.handoff import (
    HandoffReason,
    QueueEntry,
    case_next_due,
    chat_priority,
    in_queue_order,
    parse_reason,
    should_hand_off,
)
from backend.domain.lifecycle import Priority

T0 = datetime(2026, 11, 24, 3, tzinfo=UTC)


def entry(kind: str, priority: Priority, hours: int, title: str) -> QueueEntry:
    return QueueEntry(kind, priority, T0 + timedelta(hours=hours), title, "rest", "waiting")


@pytest.mark.parametrize(
    ("reason", "open_now", "handed_off"),
    [
        (HandoffReason.REQUESTED, True, True),
        (HandoffReason.REQUESTED, False, True),
        (HandoffReason.FALLBACK, False, True),
        (HandoffReason.EMERGENCY, True, True),
        (HandoffReason.EMERGENCY, False, False),
    ],
)
def test_an_emergency_goes_to_a_person_only_while_agents_work(
    reason: HandoffReason, open_now: bool, handed_off: bool
) -> None:
    assert should_hand_off(reason, open_now) is handed_off


def test_a_reason_is_read_from_its_name_and_nothing_else() -> None:
    assert parse_reason(" Requested ") is HandoffReason.REQUESTED
    with pytest.raises(ValueError):
        parse_reason("bored")
    with pytest.raises(ValueError):
        parse_reason(None)


def test_a_waiting_chat_ranks_as_its_most_urgent_case_and_at_least_high() -> None:
    assert chat_priority(HandoffReason.REQUESTED, []) is Priority.HIGH
    assert chat_priority(HandoffReason.REQUESTED, ["low", "medium"]) is Priority.HIGH
    assert chat_priority(HandoffReason.FALLBACK, ["emergency"]) is Priority.EMERGENCY
    assert chat_priority(HandoffReason.EMERGENCY, []) is Priority.EMERGENCY


def test_a_received_case_is_due_for_its_first_response_then_for_its_resolution() -> None:
    first, resolution, extended = T0, T0 + timedelta(days=10), T0 + timedelta(days=20)

    assert case_next_due("received", first, resolution, None) == first
    assert case_next_due("in_progress", first, resolution, None) == resolution
    assert case_next_due("waiting_documents", first, resolution, extended) == extended


def test_the_queue_is_ordered_by_priority_then_due_time() -> None:
    entries = [
        entry("case", Priority.LOW, 1, "low"),
        entry("case", Priority.HIGH, 5, "high later"),
        entry("chat", Priority.HIGH, 2, "chat"),
        entry("case", Priority.EMERGENCY, 9, "emergency"),
        entry("case", Priority.HIGH, 2, "high same time"),
    ]

    order = [e.title for e in in_queue_order(entries)]

    assert order == ["emergency", "chat", "high same time", "high later", "low"]

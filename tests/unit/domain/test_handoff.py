"""When a chat goes to a person, and the order of the agents' queue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from backend.domain.handoff import (
    HandoffReason,
    QueueEntry,
    case_next_due,
    case_queue_rank,
    chat_priority,
    chat_rank,
    in_queue_order,
    masked_id,
    parse_reason,
    priority_of_rank,
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


@pytest.mark.parametrize(
    ("status", "priority", "rank"),
    [
        ("received", "emergency", 0),
        ("in_progress", "high", 1),
        ("waiting_documents", "medium", 2),
        ("received", "low", 3),
        ("resolved", "emergency", None),
        ("rejected", "high", None),
        ("escalated", "low", None),
    ],
)
def test_a_running_case_ranks_by_priority_and_an_answered_one_leaves_the_queue(
    status: str, priority: str, rank: int | None
) -> None:
    assert case_queue_rank(status, priority) == rank


def test_a_rank_stands_for_its_priority() -> None:
    assert [priority_of_rank(rank) for rank in range(4)] == [
        Priority.EMERGENCY,
        Priority.HIGH,
        Priority.MEDIUM,
        Priority.LOW,
    ]


def test_a_chat_ranks_as_an_emergency_when_asked_as_one_or_its_case_is_one() -> None:
    assert chat_rank("emergency", False) == 0
    assert chat_rank("requested", True) == 0
    assert chat_rank("requested", False) == 1
    assert chat_rank("fallback", False) == 1


def test_a_chat_rank_agrees_with_the_chat_priority() -> None:
    for reason in HandoffReason:
        for cases in ([], ["low"], ["emergency"], ["medium", "emergency"]):
            rank = chat_rank(reason, "emergency" in cases)
            assert priority_of_rank(rank) == chat_priority(reason, cases)


def test_a_chat_id_shows_only_its_last_four_characters() -> None:
    assert masked_id("web-Z9sZk2Lq8HwX") == "…8HwX"
    assert masked_id("6281234567890") == "…7890"
    assert masked_id("") == "…"


def test_a_new_emergency_comes_before_a_thousand_older_normal_cases() -> None:
    older = [entry("case", Priority.MEDIUM, -hours, f"old {hours}") for hours in range(1000)]
    new = entry("case", Priority.EMERGENCY, 100, "new emergency")

    assert in_queue_order([*older, new])[0].title == "new emergency"

"""Console access rules: passwords, roles, where a login may lead."""

from __future__ import annotations

import pytest

from backend.domain.access import (
    WeakPassword,
    can_manage_agents,
    check_password,
    may_move_chat,
    safe_next,
)


def test_a_password_needs_twelve_characters_and_some_variety() -> None:
    assert check_password("correct horse battery") == "correct horse battery"
    for weak in ("short", "a" * 20, "abababababab", None):
        with pytest.raises(WeakPassword):
            check_password(weak)


def test_a_chat_moves_at_the_hands_of_its_holder_or_a_supervisor_or_anyone_while_unheld() -> None:
    assert may_move_chat("agent", 1, None)
    assert may_move_chat("agent", 1, 1)
    assert not may_move_chat("agent", 2, 1)
    assert may_move_chat("supervisor", 3, 1)


def test_only_supervisors_manage_agents() -> None:
    assert can_manage_agents("supervisor")
    assert not can_manage_agents("agent")


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/console/cases/KP-2611-00042M", "/console/cases/KP-2611-00042M"),
        ("/console/search?q=budi", "/console/search?q=budi"),
        ("https://evil.example/console", "/console"),
        ("//evil.example/console", "/console"),
        ("/console//evil.example", "/console"),
        ("/console\\@evil.example", "/console"),
        ("/api/cases", "/console"),
        (None, "/console"),
    ],
)
def test_after_login_only_console_paths_are_followed(target: object, expected: str) -> None:
    assert safe_next(target) == expected

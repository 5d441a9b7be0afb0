"""The NLU benchmark's frozen files (fresh and held-out) stay out of the training data."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.nlu import FRESH, FRESH_SECOND, FROZEN, HELD_OUT, examples, leaked_examples


@pytest.mark.parametrize("path", FROZEN, ids=lambda path: path.name)
def test_no_frozen_example_is_in_the_training_data(path: Path) -> None:
    assert examples(path)
    assert leaked_examples(path) == set()


@pytest.mark.parametrize(
    ("path", "day"), [(FRESH, "2026-12-01"), (FRESH_SECOND, "2026-12-02")], ids=["first", "second"]
)
def test_a_fresh_file_is_dated_and_large_enough_to_measure(path: Path, day: str) -> None:
    assert day in path.read_text(encoding="utf-8").split("nlu:")[0]
    assert len(examples(path)) >= 150


@pytest.mark.parametrize("path", [FRESH, FRESH_SECOND], ids=["first", "second"])
def test_a_fresh_file_has_non_complaints_and_complaints_by_category(path: Path) -> None:
    intents = {intent for intent, _ in examples(path)}
    assert {"check_status", "thank", "cancel", "affirm", "rate"} <= intents
    assert len({i for i in intents if i.startswith("complain/")}) >= 10
    assert HELD_OUT.exists()

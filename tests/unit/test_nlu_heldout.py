"""The NLU benchmark's frozen files (fresh and held-out) stay out of the training data."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.nlu import FRESH, FROZEN, HELD_OUT, examples, leaked_examples


@pytest.mark.parametrize("path", FROZEN, ids=lambda path: path.name)
def test_no_frozen_example_is_in_the_training_data(path: Path) -> None:
    assert examples(path)
    assert leaked_examples(path) == set()


def test_the_fresh_file_is_dated_and_large_enough_to_measure() -> None:
    assert "2026-12-01" in FRESH.read_text(encoding="utf-8").split("nlu:")[0]
    assert len(examples(FRESH)) >= 150


def test_the_fresh_file_has_non_complaints_and_complaints_by_category() -> None:
    intents = {intent for intent, _ in examples(FRESH)}
    assert {"check_status", "thank", "cancel", "affirm", "rate"} <= intents
    assert len({i for i in intents if i.startswith("complain/")}) >= 10
    assert HELD_OUT.exists()

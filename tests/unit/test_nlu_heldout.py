"""The NLU benchmark's held-out examples stay out of the training data."""

from __future__ import annotations

from benchmarks.nlu import HELD_OUT, examples, leaked_examples


def test_no_held_out_example_is_in_the_training_data() -> None:
    assert examples(HELD_OUT)
    assert leaked_examples() == set()

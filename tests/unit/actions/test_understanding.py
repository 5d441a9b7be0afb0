"""What the actions read of the NLU model's output: intents, the category, the named field."""

from __future__ import annotations

import pytest

from actions import understanding
from tests.unit.actions.fakes import tracker


def test_the_category_is_the_response_selectors_complain_key() -> None:
    assert understanding.category(tracker(category="fraud")) == "fraud"


@pytest.mark.parametrize(("category", "confidence"), [("none", 0.99), ("fraud", 0.2), (None, 0.0)])
def test_no_category_when_the_model_reads_none_or_is_unsure(
    category: str | None, confidence: float
) -> None:
    read = tracker(category=category, category_confidence=confidence)
    assert understanding.category(read) is None


@pytest.mark.parametrize(
    ("text", "intent", "confidence", "answer"),
    [
        ("/affirm", "affirm", 1.0, True),
        ("/deny", "deny", 1.0, False),
        ("yes that's correct", "affirm", 0.98, True),
        ("gk", "deny", 0.9, False),
        ("hmm", "affirm", 0.41, None),
        ("Budi", "inform", 0.9, None),
    ],
)
def test_yes_and_no_are_intents_read_only_when_the_model_is_sure(
    text: str, intent: str, confidence: float, answer: bool | None
) -> None:
    said = tracker(text=text, intent=intent, confidence=confidence)
    assert understanding.yes_or_no(said) is answer


def test_a_change_request_names_its_field_as_an_entity() -> None:
    said = tracker(
        text="no hp nya salah",
        intent="change_detail",
        confidence=0.93,
        entities=[{"entity": "field", "value": "contact"}],
    )
    assert understanding.wants_change(said)
    assert understanding.field(said) == "contact"


def test_a_cancel_button_always_cancels() -> None:
    assert understanding.is_cancel(
        tracker({"requested_slot": "description"}, text="/cancel", intent="cancel")
    )

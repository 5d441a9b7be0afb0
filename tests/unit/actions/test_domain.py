"""The domain, the training data and the actions agree with each other.

`rasa data validate` cannot see the responses that the form and the custom actions send
(it warns that they are "not used in any story or rule"); these tests check them instead.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import pytest

from actions.cases import STATUSES
from actions.responses import payload_entities, response_variation

ROOT = Path(__file__).resolve().parents[3]
SENT_BY_ACTIONS = re.compile(r'response="(utter_\w+)"')
SEED_GREETING = (
    "Hi 👋! Anda sedang tersambung dengan Customer Service {institution_name}. "
    "Silakan beritahu kami kebutuhan Anda."
)
SLOT_VALUES = {
    "complainant_type": {"user", "reporter"},
    "user_role": {"lender", "borrower", "customer", "representative"},
    "priority": {"low", "medium", "high", "emergency"},
    "rating": {1, 2, 3, 4, 5},
}
CONVERSATIONS = [
    {"language": language, "institution_kind": kind}
    for language, kind in itertools.product(("id", "en"), ("p2p", "bank"))
]


def responses_sent_by_actions() -> set[str]:
    names = set()
    for path in (ROOT / "actions").glob("*.py"):
        names |= set(SENT_BY_ACTIONS.findall(path.read_text(encoding="utf-8")))
    return names | {f"utter_case_status_{status}" for status in STATUSES}


def responses_in_training_data() -> set[str]:
    names = set()
    for path in itertools.chain(
        (ROOT / "data/rules").glob("*.yml"), (ROOT / "data/stories").glob("*.yml")
    ):
        names |= set(re.findall(r"action: (utter_\w+)", path.read_text(encoding="utf-8")))
    return names


def test_every_response_an_action_sends_is_in_the_domain(domain: dict[str, Any]) -> None:
    assert responses_sent_by_actions() - set(domain["responses"]) == set()


def test_every_response_in_the_domain_is_sent_by_a_rule_a_story_the_form_or_an_action(
    domain: dict[str, Any],
) -> None:
    asked_by_form = {
        f"utter_ask_{slot}" for form in domain["forms"].values() for slot in form["required_slots"]
    }
    used = responses_in_training_data() | responses_sent_by_actions() | asked_by_form
    assert set(domain["responses"]) - used == set()


def test_every_button_payload_is_an_intent_of_the_domain_with_valid_entities(
    domain: dict[str, Any],
) -> None:
    for name, variations in domain["responses"].items():
        for button in (b for v in variations for b in v.get("buttons") or []):
            payload = button["payload"]
            assert payload.startswith("/"), (name, payload)
            intent = re.match(r"/(\w+)", payload)
            assert intent and intent.group(1) in domain["intents"], (name, payload)
            if "{" in payload:
                assert "{{" in payload, f"{name}: braces must be doubled in {payload}"
            for entity, value in payload_entities(payload).items():
                assert entity in domain["entities"], (name, payload)
                assert value in SLOT_VALUES[entity], (name, payload)


@pytest.mark.parametrize("slots", CONVERSATIONS, ids=lambda s: "-".join(s.values()))
def test_each_conversation_gets_exactly_one_variation_of_every_response(
    domain: dict[str, Any], slots: dict[str, str]
) -> None:
    for name, variations in domain["responses"].items():
        matching = [
            v
            for v in variations
            if v.get("condition")
            and all(slots.get(c["name"]) == c["value"] for c in v["condition"])
        ]
        assert len(matching) <= 1, f"{name} is ambiguous for {slots}"
        assert response_variation(domain, name, slots), name


def test_the_greeting_and_the_rating_texts_are_the_institutions_own_words(
    domain: dict[str, Any],
) -> None:
    kreditpro = {"language": "id", "institution_kind": "p2p"}
    text = response_variation(domain, "utter_greet", kreditpro)["text"]  # type: ignore[index]
    assert text == SEED_GREETING
    assert domain["responses"]["utter_ask_rating"][0]["text"] == (
        "Thank you for chatting with us, If you can take a minute and rate this chat:"
    )
    assert [b["title"] for b in domain["responses"]["utter_ask_rating"][0]["buttons"]] == [
        "1",
        "2",
        "3",
        "4",
        "5",
    ]
    assert domain["responses"]["utter_rating_thanks"][0]["text"] == (
        "Thank you, your rating is very valuable to us."
    )


def test_the_form_asks_in_the_agreed_order(domain: dict[str, Any]) -> None:
    assert domain["forms"]["intake_form"]["required_slots"] == [
        "complainant_type",
        "user_role",
        "full_name",
        "contact",
        "description",
        "priority",
        "confirmed",
    ]

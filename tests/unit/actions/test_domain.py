"""The domain, the message catalogue, the training data and the actions agree with each other,
and with the case API's statuses and categories (the backend's, which tests may read).

`rasa data validate --fail-on-warnings` checks that every domain response is used by a rule
or a story; these tests check the rest: what the actions send exists, in both languages,
with the same placeholders, and every button payload is an intent of the domain.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from string import Template
from typing import Any

import pytest

from actions import messages
from actions.forms import offered_categories
from actions.messages import payload_entities, render
from actions.questions import TOPICS
from backend.domain.lifecycle import Category, Status

ROOT = Path(__file__).resolve().parents[3]
SAID_BY_ACTIONS = re.compile(r'\bsay\(\s*dispatcher,\s*tracker,\s*"(\w+)"')
DOMAIN_RESPONSE = re.compile(r'response="(utter_\w+)"')
SEED_GREETING = (
    "Hi 👋! Anda sedang tersambung dengan Customer Service {institution_name}. "
    "Silakan beritahu kami kebutuhan Anda."
)
ENTITY_VALUES = {
    "faq_topic": set(TOPICS),
    "complainant_type": {"user", "reporter"},
    "user_role": {"lender", "borrower", "customer", "representative"},
    "priority": {"low", "medium", "high", "emergency"},
    "field": {
        "full_name",
        "contact",
        "description",
        "category",
        "incident_date",
        "loss_amount",
        "priority",
    },
    "category": {category.value for category in Category},
    "rating": {1, 2, 3, 4, 5},
}
CONVERSATIONS = list(itertools.product(messages.LANGUAGES, messages.KINDS))


def action_sources() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "actions").glob("*.py"))


def catalogue_keys_sent_by_actions() -> set[str]:
    keys = set(SAID_BY_ACTIONS.findall(action_sources()))
    return keys | {f"case_status_{status}" for status in Status}


def placeholders(entry: dict[str, Any]) -> set[str]:
    found = Template(entry["text"]).pattern.finditer(entry["text"])
    return {m.group("named") or m.group("braced") for m in found} - {None}


def variations(language: str) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (key, kind, messages.variation(key, language, kind))
        for key in messages.catalogue(language)
        for kind in messages.KINDS
    ]


def test_both_languages_have_the_same_messages_with_the_same_placeholders() -> None:
    indonesian, english = messages.catalogue("id"), messages.catalogue("en")
    assert set(indonesian) == set(english)
    for key, kind, entry in variations("id"):
        other = messages.variation(key, "en", kind)
        assert placeholders(entry) == placeholders(other), key
        assert len(entry.get("buttons") or []) == len(other.get("buttons") or []), key


def test_every_message_an_action_sends_is_in_the_catalogue() -> None:
    assert catalogue_keys_sent_by_actions() - set(messages.catalogue("id")) == set()


def test_the_category_question_offers_exactly_the_case_api_s_categories() -> None:
    assert sorted(offered_categories()) == sorted(category.value for category in Category)


def test_every_domain_response_an_action_sends_is_in_the_domain(domain: dict[str, Any]) -> None:
    assert set(DOMAIN_RESPONSE.findall(action_sources())) - set(domain["responses"]) == set()


@pytest.mark.parametrize(("language", "kind"), CONVERSATIONS)
def test_every_button_payload_is_an_intent_of_the_domain_with_valid_entities(
    domain: dict[str, Any], language: str, kind: str
) -> None:
    for key, _, entry in variations(language):
        for button in entry.get("buttons") or []:
            payload = button["payload"]
            if not payload.startswith("/"):
                continue  # typed words, read by the form like anything the customer types
            intent = re.match(r"/(\w+)", payload)
            assert intent and intent.group(1) in domain["intents"], (key, payload)
            for entity, value in payload_entities(payload).items():
                assert entity in domain["entities"], (key, payload)
                assert value in ENTITY_VALUES[entity], (key, payload)


def test_every_form_question_has_an_ask_action_in_the_domain(domain: dict[str, Any]) -> None:
    for form in domain["forms"].values():
        for slot in form["required_slots"]:
            assert f"action_ask_{slot}" in domain["actions"], slot


def test_a_message_with_a_missing_placeholder_is_refused() -> None:
    with pytest.raises(KeyError):
        render("case_not_found", "id")


def test_the_greeting_and_the_rating_texts_are_the_institutions_own_words(
    domain: dict[str, Any],
) -> None:
    [greeting] = [v for v in domain["responses"]["utter_greet"] if not v.get("condition")]
    assert greeting["text"] == SEED_GREETING
    indonesian, english = domain["responses"]["utter_ask_rating"]
    assert english["condition"] == [{"type": "slot", "name": "language", "value": "en"}]
    assert english["text"] == (
        "Thank you for chatting with us, If you can take a minute and rate this chat:"
    )
    assert indonesian["text"].startswith("Terima kasih telah menghubungi kami.")
    for rating in (indonesian, english):
        assert [b["title"] for b in rating["buttons"]] == ["1", "2", "3", "4", "5"]
    assert messages.text("rating_thanks", "en") == "Thank you, your rating is very valuable to us."
    assert messages.text("rating_thanks", "id") == (
        "Terima kasih, penilaian Anda sangat berharga bagi kami."
    )


def test_an_indonesian_customer_reads_no_english_button_at_the_priority_question() -> None:
    titles = [b["title"] for b in messages.render("ask_priority", "id")["buttons"]]
    assert titles == ["Rendah", "Sedang", "Tinggi", "Darurat"]


def test_the_intake_form_asks_who_and_what_before_the_contact_details(
    domain: dict[str, Any],
) -> None:
    assert domain["forms"]["intake_form"]["required_slots"] == [
        "complainant_type",
        "user_role",
        "description",
        "category",
        "incident_date",
        "loss_amount",
        "priority",
        "full_name",
        "contact",
        "confirmed",
    ]


def test_the_domain_responses_leave_no_two_variations_for_one_conversation(
    domain: dict[str, Any],
) -> None:
    for name, options in domain["responses"].items():
        for language, kind in CONVERSATIONS:
            slots = {"language": language, "institution_kind": kind}
            matching = [
                v
                for v in options
                if v.get("condition")
                and all(slots.get(c["name"]) == c["value"] for c in v["condition"])
            ]
            assert len(matching) <= 1, f"{name} is ambiguous for {slots}"
